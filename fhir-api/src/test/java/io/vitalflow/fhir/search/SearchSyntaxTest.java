package io.vitalflow.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The search parameter syntax on its own, without SQL or a database. */
class SearchSyntaxTest {

  @Test
  void aNameSplitsIntoParameterAndModifier() {
    assertThat(SearchSyntax.name("family")).isEqualTo(new SearchSyntax.Name("family", null));
    assertThat(SearchSyntax.name("family:exact"))
        .isEqualTo(new SearchSyntax.Name("family", "exact"));
    assertThat(SearchSyntax.name("subject:Patient"))
        .isEqualTo(new SearchSyntax.Name("subject", "Patient"));
    assertThatThrownBy(() -> SearchSyntax.noModifier("_id", "missing"))
        .isInstanceOf(InvalidSearchException.class)
        .hasMessage("Modifier ':missing' is not supported on '_id'");
  }

  @Test
  void alternativesSplitOnUnescapedCommasAndKeepTheirEscapes() {
    assertThat(SearchSyntax.orValues("code", "a,,b\\,c,\\\\,d"))
        .containsExactly("a", "b\\,c", "\\\\", "d");
    assertThat(SearchSyntax.unescape("b\\,c\\|d\\$e\\\\")).isEqualTo("b,c|d$e\\");
    assertThatThrownBy(() -> SearchSyntax.orValues("code", "x,".repeat(101)))
        .isInstanceOf(InvalidSearchException.class)
        .hasMessage("'code' has more than 100 alternative values");
  }

  @Test
  void tokensHaveAnOptionalSystem() {
    assertThat(SearchSyntax.token("code", "8867-4"))
        .isEqualTo(new SearchSyntax.Token(null, "8867-4"));
    assertThat(SearchSyntax.token("code", "http://loinc.org|8867-4"))
        .isEqualTo(new SearchSyntax.Token("http://loinc.org", "8867-4"));
    assertThat(SearchSyntax.token("code", "|x")).isEqualTo(new SearchSyntax.Token("", "x"));
    assertThat(SearchSyntax.token("code", "s|")).isEqualTo(new SearchSyntax.Token("s", ""));
    assertThat(SearchSyntax.token("identifier", "a\\|b|c"))
        .isEqualTo(new SearchSyntax.Token("a|b", "c"));
    assertThatThrownBy(() -> SearchSyntax.token("code", "|"))
        .isInstanceOf(InvalidSearchException.class)
        .hasMessage("'code=|' needs a system or a code");
  }

  @Test
  void datesHaveAPrefixEqualsByDefault() {
    SearchSyntax.DateValue plain = SearchSyntax.date("birthdate", "2020-05");
    assertThat(plain.prefix()).isEqualTo("eq");
    assertThat(plain.range().low()).isEqualTo(Instant.parse("2020-05-01T00:00:00Z"));
    assertThat(SearchSyntax.date("birthdate", "ge2020").prefix()).isEqualTo("ge");
    assertThat(SearchSyntax.date("birthdate", "ap2020-05-01").prefix()).isEqualTo("ap");
    assertThatThrownBy(() -> SearchSyntax.date("birthdate", "after2020"))
        .isInstanceOf(InvalidSearchException.class)
        .hasMessageStartingWith("'birthdate=after2020': a date value is an optional prefix");
    assertThatThrownBy(() -> SearchSyntax.date("birthdate", "2020-13"))
        .isInstanceOf(InvalidSearchException.class)
        .hasMessageStartingWith("'birthdate=2020-13': ");
  }

  @Test
  void sortIncludeAndTotal() {
    assertThat(SearchSyntax.sort("-date, ,family,"))
        .containsExactly(
            new SearchSyntax.SortKey("date", true), new SearchSyntax.SortKey("family", false));
    assertThat(
            SearchSyntax.includeSpecs("Observation:subject, ,Observation:performer:Practitioner"))
        .isEqualTo(List.of("Observation:subject", "Observation:performer:Practitioner"));
    assertThat(SearchSyntax.include(" Observation:performer:Practitioner "))
        .isEqualTo(new SearchSyntax.IncludeSpec("Observation", "performer", "Practitioner"));
    assertThat(SearchSyntax.include("Observation:subject").targetType()).isNull();
    assertThatThrownBy(() -> SearchSyntax.include("Observation"))
        .isInstanceOf(InvalidSearchException.class)
        .hasMessage("'_include=Observation': expected SourceType:parameter[:TargetType]");
    assertThat(SearchSyntax.total("Accurate")).isEqualTo(SearchQuery.TotalMode.ACCURATE);
    assertThatThrownBy(() -> SearchSyntax.total("all"))
        .isInstanceOf(InvalidSearchException.class)
        .hasMessage("'_total=all': expected none, estimate or accurate");
    assertThat(SearchSyntax.isResourceType("Patient")).isTrue();
    assertThat(SearchSyntax.isResourceType("patient")).isFalse();
  }
}

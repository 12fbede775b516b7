package io.vitalflow.fhir.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** The request targets {@link QueryCharacters} rewrites, and the ones it leaves alone. */
class QueryCharactersTest {

  @Test
  void charactersUriRefusesArePercentEncoded() {
    assertThat(QueryCharacters.encoded("/fhir/Patient?identifier=urn:mrn|42"))
        .isEqualTo("/fhir/Patient?identifier=urn:mrn%7C42");
    assertThat(QueryCharacters.encoded("/fhir/Patient?name={\"x\"}^`\\<>"))
        .isEqualTo("/fhir/Patient?name=%7B%22x%22%7D%5E%60%5C%3C%3E");
    assertThat(QueryCharacters.encoded("/fhir/Patient?x=%zz&y=100%"))
        .isEqualTo("/fhir/Patient?x=%25zz&y=100%25");
    // Netty hands over the request line as ISO-8859-1: each char is one byte of the UTF-8 sent
    assertThat(QueryCharacters.encoded("/fhir/Patient?name=Jos\u00c3\u00a9"))
        .isEqualTo("/fhir/Patient?name=Jos%C3%A9");
    for (String target :
        new String[] {
          "/fhir/Patient?identifier=urn:mrn|42", "/fhir/Patient?x=%zz", "/fhir/P?n=\u00c3\u00a9"
        }) {
      URI.create(QueryCharacters.encoded(target)); // does not throw
    }
  }

  @Test
  void targetsUriTakesAreLeftAsTheyAre() {
    for (String target :
        new String[] {
          "/fhir/Patient/1",
          "/fhir/Patient?identifier=urn:mrn%7C42&_count=5",
          "/fhir/Observation?date=ge2026-01-01T00:00:00+01:00&code=http://loinc.org|x"
              .replace("|x", "%7Cx"),
          "/fhir/Patient?name=Jos%C3%A9&_sort=-birthdate,name",
          "/fhir/Patient?_include=Patient:organization&x=[a]~!*'();@$"
        }) {
      assertThat(QueryCharacters.encoded(target)).isSameAs(target);
    }
  }
}

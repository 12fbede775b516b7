package io.vitalflow.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalflow.fhir.Unsecured;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Values far longer than a PostgreSQL B-tree entry can hold (about 2,700 bytes) are indexed by
 * their first {@link IndexedValues#MAX_LENGTH} characters, and searches compare the same prefix, so
 * exact and starts-with matches still find them. The values are random letters: a repeated letter
 * compresses below the limit and would not show the problem.
 */
class LongIndexedValuesTest {

  private static final Random RANDOM = new Random(12);
  private static final String FAMILY = letters(9_000);
  private static final String SYSTEM = "urn:" + letters(5_000).toLowerCase(java.util.Locale.ROOT);
  private static final String CODE = letters(5_000);
  private static final String TARGET_TYPE = "X" + letters(4_000).toLowerCase(java.util.Locale.ROOT);

  private static SearchDatabase database;
  private static ResourceSearch search;

  @BeforeAll
  static void load() {
    database = new SearchDatabase("long-values");
    search = new ResourceSearch(database.client());
    Patient patient = new Patient();
    patient.setId("long");
    patient.addName().setFamily(FAMILY).addGiven("Ann");
    patient.addIdentifier().setSystem(SYSTEM).setValue(CODE);
    patient.addGeneralPractitioner(new Reference(TARGET_TYPE + "/gp1"));
    Patient other = new Patient();
    other.setId("other");
    // the same first 200 characters, different after them
    other.addName().setFamily(FAMILY.substring(0, 250) + "Different");
    database.store(Instant.parse("2024-01-01T00:00:00Z"), patient, other);
  }

  @AfterAll
  static void close() {
    database.close();
  }

  private static String letters(int count) {
    StringBuilder text = new StringBuilder(count);
    for (int i = 0; i < count; i++) {
      text.append((char) ((RANDOM.nextBoolean() ? 'a' : 'A') + RANDOM.nextInt(26)));
    }
    return text.toString();
  }

  @Test
  void theIndexHoldsTheFirst200Characters() {
    assertThat(database.count("select max(length(value)) from fhir_search_string")).isEqualTo(200);
    assertThat(database.count("select max(length(exact)) from fhir_search_string")).isEqualTo(200);
    assertThat(
            database.count("select max(length(code)) + max(length(system)) from fhir_search_token"))
        .isEqualTo(400);
    assertThat(database.count("select max(length(target_type)) from fhir_search_reference"))
        .isEqualTo(200);
  }

  @Test
  void longValuesAreFoundByPrefixExactlyAndInFull() {
    assertThat(ids("family=" + FAMILY.substring(0, 20))).containsExactlyInAnyOrder("long", "other");
    assertThat(ids("family=" + FAMILY)).containsExactlyInAnyOrder("long", "other");
    assertThat(ids("family:exact=" + FAMILY)).containsExactlyInAnyOrder("long", "other");
    assertThat(ids("family:exact=" + FAMILY.substring(0, 199))).isEmpty();
    assertThat(
            ids("family:contains=" + FAMILY.substring(100, 180).toLowerCase(java.util.Locale.ROOT)))
        .containsExactlyInAnyOrder("long", "other");
    assertThat(ids("identifier=" + SYSTEM + "|" + CODE)).containsExactly("long");
    assertThat(ids("identifier=" + CODE)).containsExactly("long");
    assertThat(ids("identifier=" + SYSTEM + "|")).containsExactly("long");
    assertThat(ids("general-practitioner=" + TARGET_TYPE + "/gp1")).containsExactly("long");
  }

  @Test
  void shortSearchValuesAreUnchanged() {
    assertThat(ids("given=an")).containsExactly("long");
    assertThat(ids("family=zzz")).isEmpty();
  }

  private static List<String> ids(String query) {
    return ResourceSearchTest.idsOf(
        search
            .search(new SearchRequest("Patient", ResourceSearchTest.parse(query), 100, 0, false))
            .contextWrite(Unsecured.context())
            .block()
            .matches());
  }
}

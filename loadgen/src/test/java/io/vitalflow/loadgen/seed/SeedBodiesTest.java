package io.vitalflow.loadgen.seed;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitalflow.loadgen.engine.JsonText;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * The seeder's request bodies: strictly valid FHIR Bundles and well-formed, chronological NDJSON.
 */
class SeedBodiesTest {

  private final IParser strict =
      FhirContext.forR4Cached().newJsonParser().setParserErrorHandler(new StrictErrorHandler());
  private final ObjectMapper json = new ObjectMapper();
  private final SeededPatients ids = SeededPatients.withPrefix("lg");

  @Test
  void batchBundlePutsEachPatientWithItsIdContactsAndTelecom() {
    Bundle bundle = strict.parseResource(Bundle.class, new SeedBundles(ids).batch(41, 60));
    assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.BATCH);
    assertThat(bundle.getEntry()).hasSize(60);
    for (int i = 0; i < 60; i++) {
      Bundle.BundleEntryComponent entry = bundle.getEntry().get(i);
      String id = ids.patientId(41 + i);
      assertThat(entry.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.PUT);
      assertThat(entry.getRequest().getUrl()).isEqualTo("Patient/" + id);
      Patient patient = (Patient) entry.getResource();
      assertThat(patient.getIdElement().getIdPart()).isEqualTo(id);
      assertThat(patient.getNameFirstRep().getFamily()).isNotBlank();
      assertThat(patient.getGender()).isNotNull();
      assertThat(patient.getBirthDate()).isNotNull();
      assertThat(patient.getIdentifierFirstRep().getValue()).isEqualTo("LG-MRN-" + (41 + i));
      assertThat(patient.getTelecom())
          .extracting(ContactPoint::getSystem)
          .containsExactly(
              ContactPoint.ContactPointSystem.PHONE, ContactPoint.ContactPointSystem.EMAIL);
      Patient.ContactComponent contact = patient.getContactFirstRep();
      assertThat(contact.getRelationshipFirstRep().getCodingFirstRep().getCode()).isIn("N", "C");
      assertThat(contact.getName().getFamily()).isNotBlank();
      assertThat(contact.getTelecomFirstRep().getSystem())
          .isEqualTo(ContactPoint.ContactPointSystem.PHONE);
    }
  }

  @Test
  void aPatientsContentDependsOnlyOnItsNumberSoReseedingWritesTheSame() {
    String alone = new SeedBundles(ids).batch(7, 1);
    String inABatch = new SeedBundles(ids).batch(5, 3);
    String patient7 =
        alone.substring(
            alone.indexOf("{\"resourceType\":\"Patient\""), alone.indexOf(",\"request\""));
    assertThat(inABatch).contains(patient7);
  }

  @Test
  void countsEntryOutcomesOfABatchResponse() {
    String response =
        """
        {"resourceType":"Bundle","type":"batch-response","entry":[
          {"response":{"status":"201 Created","location":"Patient/lg-p000001/_history/1"}},
          {"response" : { "status" : "200 OK","location":"Patient/lg-p000002/_history/2"}},
          {"response":{"status":"422 Unprocessable Entity","outcome":{"resourceType":"OperationOutcome"}}}]}""";
    assertThat(SeedBundles.count(response)).isEqualTo(new SeedBundles.EntryCounts(1, 1, 1));
  }

  @Test
  void vitalsAreWellFormedPlausibleAndChronologicalAcrossWaves() throws Exception {
    Instant first = Instant.parse("2026-01-05T10:00:00Z");
    SeedVitals vitals = new SeedVitals(ids, 7, first, Duration.ofMinutes(5), 30, 18, 4);
    assertThat(vitals.readings()).isEqualTo(7L * 6 * 30);
    List<JsonNode> lines = new ArrayList<>();
    Set<String> readingIds = new HashSet<>();
    Instant previousWaveEnd = Instant.MIN;
    int waves = 0;
    while (vitals.hasNextWave()) {
      Instant waveEnd = Instant.MIN;
      for (SeedVitals.Batch batch : vitals.nextWave()) {
        assertThat(batch.readings()).isLessThanOrEqualTo(18);
        assertThat(batch.from()).isAfterOrEqualTo(previousWaveEnd);
        String[] ndjson = batch.body().split("\n", -1);
        assertThat(ndjson[ndjson.length - 1]).isEmpty();
        assertThat(ndjson).hasSize(batch.readings() + 1);
        Instant last = Instant.MIN;
        for (int i = 0; i < batch.readings(); i++) {
          JsonNode reading = json.readTree(ndjson[i]);
          Instant time = Instant.parse(reading.get("effectiveTime").asText());
          assertThat(time).isAfterOrEqualTo(last).isBetween(batch.from(), batch.to());
          last = time;
          lines.add(reading);
          readingIds.add(reading.get("id").asText());
        }
        waveEnd = batch.to().isAfter(waveEnd) ? batch.to() : waveEnd;
      }
      assertThat(
              Duration.between(
                  previousWaveEnd.equals(Instant.MIN) ? first : previousWaveEnd, waveEnd))
          .isLessThanOrEqualTo(Duration.ofMinutes(5));
      previousWaveEnd = waveEnd;
      waves++;
    }
    assertThat(waves).isEqualTo(30);
    assertThat(lines).hasSize(7 * 6 * 30);
    assertThat(readingIds).hasSize(lines.size());
    assertThat(lines)
        .allSatisfy(
            reading -> {
              assertThat(reading.get("patientId").asText()).matches("lg-p00000[1-7]");
              assertThat(reading.get("deviceId").asText()).matches("lg-d00000[1-7]");
              assertThat(reading.get("code").asText())
                  .isIn("8867-4", "59408-5", "8480-6", "8462-4", "8310-5", "9279-1");
              assertThat(reading.get("value").isNumber()).isTrue();
              assertThat(reading.get("unit").asText()).isIn("/min", "%", "mm[Hg]", "Cel");
              assertThat(reading.get("id").asText()).matches("[A-Za-z0-9._:-]{1,128}");
            });
    assertThat(lines.get(lines.size() - 1).get("effectiveTime").asText())
        .isEqualTo("2026-01-05T12:25:00Z");
  }

  @Test
  void shortIntervalsShareAWaveThatSpansLessThanTheMinuteGrace() {
    SeedVitals vitals =
        new SeedVitals(
            ids, 2, Instant.parse("2026-01-05T10:00:00Z"), Duration.ofSeconds(10), 7, 5000, 1);
    List<SeedVitals.Batch> wave = vitals.nextWave();
    assertThat(wave).hasSize(1);
    assertThat(Duration.between(wave.get(0).from(), wave.get(0).to()))
        .isEqualTo(Duration.ofSeconds(20));
    assertThat(wave.get(0).readings()).isEqualTo(3 * 2 * 6);
  }

  @Test
  void historyStartsAfterTheGatewaysMaxAgeAndEndsNoLaterThanNow() {
    Instant now = Instant.parse("2026-01-12T10:03:17Z");
    SeedOptions options = SeedCommand.parse("--vitals-patients=3", "--patients=3");
    SeedVitals plan = SeedVitals.plan(options, now);
    assertThat(plan.first())
        .isAfter(now.minus(Duration.ofDays(7)))
        .isBefore(now.minus(Duration.ofDays(7)).plus(Duration.ofMinutes(25)));
    assertThat(plan.first().getEpochSecond() % 300).isZero();
    assertThat(plan.last()).isBeforeOrEqualTo(now).isAfter(now.minus(Duration.ofMinutes(5)));
    assertThat(plan.readings()).isEqualTo(3L * 6 * plan.steps());
  }

  @Test
  void jsonStringsAreEscaped() {
    assertThat(JsonText.string(new StringBuilder(), "a\"b\\c\n\u0001é").toString())
        .isEqualTo("\"a\\\"b\\\\c\\n\\u0001é\"");
  }
}

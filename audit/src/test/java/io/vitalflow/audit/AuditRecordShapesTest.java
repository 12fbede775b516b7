package io.vitalflow.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The identifiers a record makes and the shapes it checks by hand instead of by regex. */
class AuditRecordShapesTest {

  @Test
  void eventIdsAreVersion7UuidsOfTheRecordedMillisecondAndUnique() {
    Instant when = Instant.parse("2026-12-06T14:00:00.123Z");
    AuditRecord record =
        AuditRecord.builder("fhir-api", AuditSubtype.READ).recorded(when).status(200).build();

    assertThat(record.id().version()).isEqualTo(7);
    assertThat(record.id().variant()).isEqualTo(2);
    assertThat(record.id().getMostSignificantBits() >>> 16).isEqualTo(when.toEpochMilli());

    Set<UUID> ids = new HashSet<>();
    UUID previous = AuditRecord.timeOrderedId(when.toEpochMilli());
    for (int i = 0; i < 100_000; i++) {
      UUID id = AuditRecord.timeOrderedId(when.toEpochMilli() + i / 100);
      assertThat(ids.add(id)).isTrue();
      // ordered by time: a later millisecond sorts after an earlier one
      if (i % 100 == 0 && i > 0) {
        assertThat(
                Long.compareUnsigned(
                    id.getMostSignificantBits(), previous.getMostSignificantBits()))
            .isPositive();
      }
      previous = id;
    }
  }

  @Test
  void theHandWrittenChecksAcceptExactlyWhatTheRegularExpressionsDid() {
    Pattern fhirId = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    Pattern token = Pattern.compile("[\\x21-\\x7e]{1,256}");
    Pattern service = Pattern.compile("[a-z0-9][a-z0-9\\-]{0,62}");
    Pattern address = Pattern.compile("[0-9A-Za-z:.%\\-\\[\\]]{1,64}");
    Random random = new Random(14);
    for (int i = 0; i < 200_000; i++) {
      int length = random.nextInt(i % 10 == 0 ? 300 : 70);
      StringBuilder value = new StringBuilder(length);
      for (int j = 0; j < length; j++) {
        value.append(
            switch (random.nextInt(4)) {
              case 0 -> (char) random.nextInt(0x80);
              case 1 -> (char) random.nextInt(0x10000);
              default -> "Ab0-.z9_/: %[]".charAt(random.nextInt(14));
            });
      }
      String text = value.toString();
      assertThat(AuditRecord.isFhirId(text)).as(text).isEqualTo(fhirId.matcher(text).matches());
      assertThat(AuditRecord.isToken(text)).as(text).isEqualTo(token.matcher(text).matches());
      assertThat(AuditRecord.isService(text)).as(text).isEqualTo(service.matcher(text).matches());
      assertThat(AuditRecord.isAddress(text)).as(text).isEqualTo(address.matcher(text).matches());
    }
    Pattern reference =
        Pattern.compile(
            "[A-Z][A-Za-z]{1,63}(/[A-Za-z0-9\\-.]{1,64}(/_history/[A-Za-z0-9\\-.]{1,64})?)?");
    List<String> parts =
        List.of(
            "Patient", "O", "b", "/", "/_history/", "/_history", "p-1", ".", "_", "x".repeat(60));
    for (int i = 0; i < 200_000; i++) {
      StringBuilder value = new StringBuilder();
      for (int j = random.nextInt(6); j >= 0; j--) {
        value.append(parts.get(random.nextInt(parts.size())));
      }
      String text = value.toString();
      assertThat(AuditRecord.isReference(text))
          .as(text)
          .isEqualTo(reference.matcher(text).matches());
    }
    assertThat(AuditRecord.isReference("Observation/o-1/_history/2")).isTrue();
    assertThat(AuditRecord.isReference("A" + "b".repeat(63))).isTrue();
    assertThat(AuditRecord.isReference("A" + "b".repeat(64))).isFalse();
    assertThat(AuditRecord.isFhirId("a".repeat(64))).isTrue();
    assertThat(AuditRecord.isFhirId("a".repeat(65))).isFalse();
    assertThat(AuditRecord.isToken("~".repeat(256))).isTrue();
    assertThat(AuditRecord.isToken("~".repeat(257))).isFalse();
    assertThat(AuditRecord.isFhirId(null)).isFalse();
    assertThat(AuditRecord.isToken("")).isFalse();
    assertThat(AuditRecord.isService("fhir-api")).isTrue();
    assertThat(AuditRecord.isService("-fhir")).isFalse();
    assertThat(AuditRecord.isService("a".repeat(63))).isTrue();
    assertThat(AuditRecord.isService("a".repeat(64))).isFalse();
    assertThat(AuditRecord.isAddress("[::1]")).isTrue();
    assertThat(AuditRecord.isAddress("fe80::1%eth0")).isTrue();
    assertThat(AuditRecord.isAddress("10.0.0.1 ")).isFalse();
  }
}

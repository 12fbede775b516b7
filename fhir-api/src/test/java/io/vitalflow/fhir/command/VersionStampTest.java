package io.vitalflow.fhir.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class VersionStampTest {

  @Test
  void decimalsKeepTheirTextAndPrecision() {
    String json =
        """
        {"resourceType":"Observation","status":"final","code":{"text":"x"},"component":[\
        {"valueQuantity":{"value":66.899999999999991}},{"valueQuantity":{"value":1.00}},\
        {"valueQuantity":{"value":1.0}},{"valueQuantity":{"value":1.000000000000000000E-245}},\
        {"valueQuantity":{"value":-1.000000000000000000E+245}},{"valueQuantity":{"value":1000000000000000000}},\
        {"valueQuantity":{"value":0.1}}]}""";
    String stamped = VersionStamp.stamp(json, "d", 3, Instant.parse("2026-11-27T10:00:00Z"));
    assertThat(stamped)
        .startsWith(
            "{\"resourceType\":\"Observation\",\"id\":\"d\",\"meta\":{\"versionId\":\"3\","
                + "\"lastUpdated\":\"2026-11-27T10:00:00.000Z\"}")
        .contains(
            "{\"value\":66.899999999999991}",
            "{\"value\":1.00}",
            "{\"value\":1.0}",
            "{\"value\":1.000000000000000000E-245}",
            "{\"value\":-1.000000000000000000E+245}",
            "{\"value\":1000000000000000000}",
            "{\"value\":0.1}");
  }
}

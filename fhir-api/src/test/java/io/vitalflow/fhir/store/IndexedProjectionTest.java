package io.vitalflow.fhir.store;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalflow.schemas.FhirResourceVersion;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class IndexedProjectionTest {

  @Test
  void aVersionTooDeepToParseFailsAsAnExceptionNotAStackOverflow() {
    // a version written before the API bounded nesting: the topic is replayed from its start
    String div =
        "<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">"
            + "<span>".repeat(100_000)
            + "x"
            + "</span>".repeat(100_000)
            + "</div>";
    FhirResourceVersion version =
        FhirResourceVersion.newBuilder()
            .setRequestId("r")
            .setResourceType("Patient")
            .setResourceId("deep")
            .setVersionId(1)
            .setLastUpdated(Instant.EPOCH)
            .setDeleted(false)
            .setResource(
                "{\"resourceType\":\"Patient\",\"id\":\"deep\",\"text\":{\"status\":\"generated\","
                    + "\"div\":\""
                    + div
                    + "\"}}")
            .build();
    assertThatThrownBy(() -> new IndexedProjection().replace(null, List.of(version)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("span");
  }
}

package io.vitalflow.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LocalPlatformTest {

  @Test
  void servicesAreNamedOnceEachAndUnknownNamesAreRefused() {
    assertThat(LocalPlatform.services("ingest, processor,ingest")).containsExactly("ingest", "processor");
    assertThat(LocalPlatform.services(String.join(",", LocalPlatform.SERVICES)))
        .containsExactlyElementsOf(LocalPlatform.SERVICES);
    assertThatThrownBy(() -> LocalPlatform.services("ingest,gateway"))
        .hasMessage("--services: no service 'gateway' (known: processor, ingest, fhir, dashboard)");
  }
}

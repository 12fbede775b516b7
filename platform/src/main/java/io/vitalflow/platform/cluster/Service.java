package io.vitalflow.platform.cluster;

/**
 * The services a cluster runs several instances of, with the module whose executable jar each is,
 * the port its first instance gets and its heap. Heaps: the Streams applications hold state stores
 * and caches (768 MiB), the gateway and the dashboards are thin (384 MiB).
 */
public enum Service {
  PROCESSOR("vitals-stream-processor", 18300, "768m"),
  FHIR("fhir-api", 18200, "768m"),
  INGEST("ingest-gateway", 18100, "384m"),
  DASHBOARD("dashboard-push", 18400, "384m");

  private final String module;
  private final int basePort;
  private final String heap;

  Service(String module, int basePort, String heap) {
    this.module = module;
    this.basePort = basePort;
    this.heap = heap;
  }

  /** The Maven module, also the jar's name and the instance's name prefix. */
  public String module() {
    return module;
  }

  /** The port of instance 1 when the cluster uses fixed ports; instance i has basePort + i - 1. */
  int basePort() {
    return basePort;
  }

  /** The {@code -Xmx} of each instance. */
  public String heap() {
    return heap;
  }
}

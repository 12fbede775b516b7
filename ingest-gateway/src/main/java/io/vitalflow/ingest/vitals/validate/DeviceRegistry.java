package io.vitalflow.ingest.vitals.validate;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which devices each OAuth client may send readings for, from {@code
 * vitalflow.ingest.devices.<client-id>=<ids and glob patterns>}. A client that is not registered
 * may send for no device; {@code *} lets a client send for every device.
 *
 * <p>A later version may also read FHIR {@code Device} resources that name the client (the issue
 * allows either); the setting is the source today (docs/ingest.md, Devices).
 */
public final class DeviceRegistry {

  private final Map<String, DeviceAccess> byClient;

  public DeviceRegistry(Map<String, List<String>> registrations) {
    Map<String, DeviceAccess> access = new HashMap<>();
    registrations.forEach(
        (client, devices) -> access.put(client, DeviceAccess.of(client, devices)));
    this.byClient = Map.copyOf(access);
  }

  /** The devices {@code clientId} may send readings for (none when it is not registered). */
  public DeviceAccess forClient(String clientId) {
    DeviceAccess access = byClient.get(clientId);
    return access != null ? access : DeviceAccess.of(clientId, List.of());
  }
}

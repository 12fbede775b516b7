package io.vitalflow.ingest.vitals.validate;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The devices one client may send readings for: device ids and glob patterns ({@code *} stands for
 * any run of characters), from {@code vitalflow.ingest.devices.<client-id>} ({@link
 * DeviceRegistry}). A client registered for nothing may send for no device: the secure default.
 */
public final class DeviceAccess {

  /** With security off: no client, every device. */
  public static final DeviceAccess ANY =
      new DeviceAccess(null, Set.of(), List.of(), List.of(), true);

  private final String clientId;
  private final Set<String> ids;

  /** {@code prefix*}, the common form, checked without a regular expression. */
  private final List<String> prefixes;

  private final List<Pattern> patterns;
  private final boolean everyDevice;

  private DeviceAccess(
      String clientId,
      Set<String> ids,
      List<String> prefixes,
      List<Pattern> patterns,
      boolean everyDevice) {
    this.clientId = clientId;
    this.ids = ids;
    this.prefixes = prefixes;
    this.patterns = patterns;
    this.everyDevice = everyDevice;
  }

  /** What {@code registered} (ids and glob patterns) allows {@code clientId}. */
  public static DeviceAccess of(String clientId, List<String> registered) {
    Objects.requireNonNull(clientId, "clientId");
    Set<String> ids = new HashSet<>();
    List<String> prefixes = new ArrayList<>();
    List<Pattern> patterns = new ArrayList<>();
    boolean everyDevice = false;
    for (String entry : registered) {
      int star = entry.indexOf('*');
      if (entry.equals("*")) {
        everyDevice = true;
      } else if (star < 0) {
        ids.add(entry);
      } else if (star == entry.length() - 1) {
        prefixes.add(entry.substring(0, star));
      } else {
        patterns.add(glob(entry));
      }
    }
    return new DeviceAccess(
        clientId, Set.copyOf(ids), List.copyOf(prefixes), List.copyOf(patterns), everyDevice);
  }

  /** Whether the client may send readings for {@code deviceId}. */
  public boolean allows(String deviceId) {
    if (everyDevice || ids.contains(deviceId)) {
      return true;
    }
    for (String prefix : prefixes) {
      if (deviceId.startsWith(prefix)) {
        return true;
      }
    }
    for (Pattern pattern : patterns) {
      if (pattern.matcher(deviceId).matches()) {
        return true;
      }
    }
    return false;
  }

  /** The client these are the devices of; null for {@link #ANY}. */
  public String clientId() {
    return clientId;
  }

  private static Pattern glob(String glob) {
    StringBuilder regex = new StringBuilder();
    int start = 0;
    for (int star = glob.indexOf('*'); star >= 0; star = glob.indexOf('*', start)) {
      if (star > start) {
        regex.append(Pattern.quote(glob.substring(start, star)));
      }
      regex.append(".*");
      start = star + 1;
    }
    if (start < glob.length()) {
      regex.append(Pattern.quote(glob.substring(start)));
    }
    return Pattern.compile(regex.toString());
  }

  @Override
  public String toString() {
    return everyDevice && clientId == null
        ? "every device"
        : "devices of "
            + clientId
            + " ("
            + (ids.size() + prefixes.size() + patterns.size())
            + " entries)";
  }
}

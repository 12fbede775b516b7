package io.vitalflow.loadgen.dashboard;

import io.vitalflow.loadgen.auth.Auth;
import io.vitalflow.loadgen.engine.FlagValues;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings of {@code loadgen dashboard}, checked from its flags by {@link DashboardCommand}.
 *
 * @param dashboardUrls ws(s) base URLs of dashboard-push instances; connections are spread over
 *     them
 * @param connections dashboard clients to open
 * @param ramp connections opened per second
 * @param duration how long the clients stay after all have connected (readings are sent during this
 *     time)
 * @param patients distinct patients the clients watch (and readings are sent for)
 * @param patientsPerClient patients in one client's subscription (ignored with a ward)
 * @param ward when set, every client subscribes to this ward and the patients are first assigned to
 *     it
 * @param readingsRate readings per second posted to the gateway during {@code duration}
 * @param ingestUrl the gateway's base URL
 * @param sourceAddresses local addresses the connections are bound to, round robin (empty: the
 *     system's choice)
 * @param heartbeat how often each client sends a {@code ping}
 * @param serverPids local process ids of the servers: RSS, and a GC before each heap sample
 * @param latencyEvery every n-th connection parses its {@code vital} frames for the latency
 * @param settle wait after the ramp before the server's memory is sampled
 * @param progressEvery progress line interval
 * @param reportDir where the Markdown and HTML reports go
 */
public record DashboardOptions(
    List<URI> dashboardUrls,
    int connections,
    int ramp,
    Duration duration,
    int patients,
    int patientsPerClient,
    String ward,
    int readingsRate,
    URI ingestUrl,
    List<InetAddress> sourceAddresses,
    Duration heartbeat,
    List<Long> serverPids,
    int latencyEvery,
    Duration settle,
    Duration progressEvery,
    Path reportDir,
    Auth auth) {

  public DashboardOptions {
    dashboardUrls = List.copyOf(dashboardUrls);
    sourceAddresses = List.copyOf(sourceAddresses);
    serverPids = List.copyOf(serverPids);
  }

  static List<URI> wsUrls(String text) {
    List<URI> urls = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      String trimmed = part.trim();
      try {
        URI uri =
            new URI(trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed);
        if (!("ws".equals(uri.getScheme()) || "wss".equals(uri.getScheme()))
            || uri.getHost() == null) {
          throw new IllegalArgumentException(
              "--dashboard-url must be ws:// or wss:// URLs with a host, got '" + trimmed + "'");
        }
        urls.add(uri);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("--dashboard-url: not a URL: '" + trimmed + "'");
      }
    }
    return urls;
  }

  static List<InetAddress> addresses(String text) {
    List<InetAddress> addresses = new ArrayList<>();
    if (text == null || text.isBlank()) {
      return addresses;
    }
    for (String part : text.split(",", -1)) {
      String trimmed = part.trim();
      if (!trimmed.matches("[0-9.]+|[0-9a-fA-F:]+")) {
        throw new IllegalArgumentException(
            "--source-addresses must be IP literals such as 127.0.0.2, got '" + trimmed + "'");
      }
      try {
        addresses.add(InetAddress.getByName(trimmed));
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException(
            "--source-addresses: not an IP address: '" + trimmed + "'");
      }
    }
    return addresses;
  }

  static List<Long> pids(String text) {
    List<Long> pids = new ArrayList<>();
    if (text == null || text.isBlank()) {
      return pids;
    }
    for (String part : text.split(",", -1)) {
      pids.add((long) FlagValues.positiveInt("--server-pid", part.trim()));
    }
    return pids;
  }

  /** The WebSocket URL connection {@code index} dials: base, path and its subscription. */
  URI connectionUri(int index) {
    URI base = dashboardUrls.get(urlIndex(index, dashboardUrls.size()));
    StringBuilder query = new StringBuilder(base.toString()).append("/api/v1/dashboard/ws?");
    if (ward != null) {
      query.append("ward=").append(ward);
    } else {
      query.append("patients=");
      for (int p : watched(index, patientsPerClient, patients)) {
        query.append(query.charAt(query.length() - 1) == '=' ? "" : ",").append(patientId(p));
      }
    }
    return URI.create(query.toString());
  }

  /** The base URL of connection {@code index}: round robin over the URLs. */
  static int urlIndex(int index, int urls) {
    return index % urls;
  }

  /**
   * The source address of connection {@code index}: round robin over the addresses within each
   * URL's share, so every (URL, source) pair gets an equal part of the connections (each pair has
   * its own ~28k ephemeral ports).
   */
  static int sourceIndex(int index, int urls, int sources) {
    return (index / urls) % sources;
  }

  /**
   * The patients (0-based) connection {@code index} watches: consecutive, wrapping, so all are
   * watched evenly.
   */
  static int[] watched(int index, int perClient, int patients) {
    int[] result = new int[perClient];
    long first = (long) index * perClient;
    for (int i = 0; i < perClient; i++) {
      result[i] = (int) ((first + i) % patients);
    }
    return result;
  }

  static String patientId(int patient) {
    return "lgd-" + patient;
  }

  /** The HTTP base of a ws(s) URL, for the actuator and the ward API. */
  static URI httpBase(URI ws) {
    return URI.create(
        ("wss".equals(ws.getScheme()) ? "https" : "http")
            + ws.toString().substring(ws.getScheme().length()));
  }
}

package io.vitalflow.loadgen.abuse;

import io.vitalflow.loadgen.auth.Auth;
import io.vitalflow.loadgen.engine.FlagValues;
import io.vitalflow.loadgen.engine.LoadModel;
import io.vitalflow.loadgen.engine.Stages;
import io.vitalflow.loadgen.engine.Thresholds;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The {@code abuse} scenario's settings, checked from its flags by {@link AbuseCommand}.
 *
 * @param ingest the ingest gateway's base URL (normal batches, slow bodies, poison readings)
 * @param fhir the FHIR base URL (normal Patient creates and reads, poison resources)
 * @param api the base URL of the vitals read API ({@code /api/v1/patients/{id}/vitals}), to find
 *     acknowledged readings
 * @param services every service whose {@code /actuator/health} must be UP again and which slowloris
 *     and the flood hit
 * @param duration how long the attacks and the normal traffic run
 * @param slowloris connections that send their request headers a byte at a time and never finish
 *     them
 * @param slowlorisEvery the pause between two bytes of one slowloris connection
 * @param slowBodies clients that POST a large body to {@code /api/v1/vitals} very slowly
 * @param slowBodySize the declared {@code Content-Length} of a slow body
 * @param slowBodyRate bytes per second each slow-body client sends
 * @param flood the most idle connections the flood holds open at once
 * @param floodRamp flood connections opened per second at most
 * @param floodHold how long the flood holds its connections before releasing them (then it opens
 *     them again)
 * @param poisonRate hostile writes per second, cycling through {@link Poison#ALL}
 * @param rate iterations of normal traffic per second (half ingest batches, half FHIR create +
 *     read)
 * @param batch readings per normal ingest batch
 * @param patients patients the normal readings are spread over
 * @param maxInFlight the most normal requests open at once
 * @param thresholds limits of the normal traffic (k6 style)
 * @param headerWithin a slowloris connection the server keeps longer than this is a failure (null:
 *     not checked)
 * @param bodyWithin a slow-body connection the server keeps longer than this is a failure (null:
 *     not checked)
 * @param attackFrom the local address the attack sockets are bound to, or null for the system's
 *     choice
 * @param recoveryTimeout how long every health endpoint may take to answer UP after the attacks
 *     stop
 * @param verifyTimeout how long acknowledged readings and created Patients may take to become
 *     readable
 * @param timeout the response timeout of a normal or poison request
 * @param idPrefix prefix of the patient, device and reading ids this run writes
 * @param progressEvery interval of the progress lines
 * @param reportDir where the Markdown and HTML reports go
 */
public record AbuseOptions(
    URI ingest,
    URI fhir,
    URI api,
    List<Service> services,
    Duration duration,
    int slowloris,
    Duration slowlorisEvery,
    int slowBodies,
    int slowBodySize,
    int slowBodyRate,
    int flood,
    int floodRamp,
    Duration floodHold,
    int poisonRate,
    int rate,
    int batch,
    int patients,
    int maxInFlight,
    Thresholds thresholds,
    Duration headerWithin,
    Duration bodyWithin,
    InetAddress attackFrom,
    Duration recoveryTimeout,
    Duration verifyTimeout,
    Duration timeout,
    String idPrefix,
    Duration progressEvery,
    Path reportDir,
    Auth auth) {

  /** A service under attack: a name for the report and its base URL ({@code http://host:port}). */
  public record Service(String name, URI base) {

    URI health() {
      return base.resolve("/actuator/health");
    }
  }

  /**
   * File descriptors kept free for everything else of this process (the normal traffic, the JVM,
   * the logs).
   */
  static final int DESCRIPTOR_RESERVE = 512;

  public AbuseOptions {
    services = List.copyOf(services);
  }

  /**
   * Checks the values together. {@code freeDescriptors} is how many more files this process may
   * open (or -1 when unknown): the attacks' connections must fit in it with {@link
   * #DESCRIPTOR_RESERVE} to spare.
   */
  void check(long freeDescriptors) {
    if (batch > 10_000) {
      throw new IllegalArgumentException(
          "--batch must be at most 10000 (the gateway's max-batch-size), got " + batch);
    }
    if (duration.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException(
          "--duration must be at most 1h, got " + duration.toSeconds() + "s");
    }
    long perPatient = (long) rate * batch * duration.toSeconds() / 2 / patients;
    if (perPatient > 9_000) {
      throw new IllegalArgumentException(
          "--patients: about "
              + perPatient
              + " readings per patient would not fit"
              + " in one vitals read (limit 10000); raise --patients or lower --rate, --batch or --duration");
    }
    long connections = attackConnections();
    if (freeDescriptors >= 0 && connections + DESCRIPTOR_RESERVE > freeDescriptors) {
      throw new IllegalArgumentException(
          "--flood, --slowloris, --slow-bodies: "
              + connections
              + " connections plus "
              + DESCRIPTOR_RESERVE
              + " spare do not fit in the "
              + freeDescriptors
              + " file descriptors this process may still open (ulimit -n); lower --flood");
    }
  }

  /** The normal traffic: a constant arrival rate for the attacks' duration. */
  LoadModel normalModel() {
    return new LoadModel.Open(
        Stages.parse("0s:" + rate + "," + duration.toMillis() + "ms:" + rate), maxInFlight);
  }

  /** The most sockets the attacks hold at once. */
  long attackConnections() {
    return (long) slowloris + slowBodies + flood;
  }

  /** {@code scheme://host:port} of {@code url}, without its path. */
  static URI origin(URI url) {
    return URI.create(url.getScheme() + "://" + url.getRawAuthority());
  }

  /** The FHIR endpoint of one resource type or path below the FHIR base. */
  URI fhir(String path) {
    return URI.create(fhir + "/" + path);
  }

  static Duration limit(String flag, String text) {
    return "off".equals(text) ? null : FlagValues.positiveDuration(flag, text);
  }

  /**
   * The attack sockets' local address: by default {@code 127.0.0.2} when every service is on
   * loopback, so that the services' per-address limits see the attacker and the normal clients
   * ({@code 127.0.0.1}) as two clients, as they would be in production; {@code any} leaves the
   * choice to the system. Only IP literals, never a name lookup.
   */
  static InetAddress attackFrom(String text, List<Service> services) {
    String value = text;
    if (value == null) {
      value = services.stream().allMatch(s -> isLoopback(s.base().getHost())) ? "127.0.0.2" : "any";
    }
    if ("any".equals(value)) {
      return null;
    }
    if (!value.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*")) {
      throw new IllegalArgumentException(
          "--attack-from must be a local IP address such as 127.0.0.2, or any; got '"
              + value
              + "'");
    }
    try {
      return InetAddress.getByName(value);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--attack-from is not an IP address: '" + value + "'");
    }
  }

  private static boolean isLoopback(String host) {
    return "localhost".equals(host)
        || host.startsWith("127.")
        || "[::1]".equals(host)
        || "::1".equals(host);
  }

  static void optionalService(String text, String flag, String name, List<Service> services) {
    if ("off".equals(text)) {
      return;
    }
    // the dashboard scenario and the suite write the dashboard's address as ws://; the same host
    // and port
    String http =
        text.startsWith("ws://")
            ? "http://" + text.substring(5)
            : text.startsWith("wss://") ? "https://" + text.substring(6) : text;
    services.add(new Service(name, origin(FlagValues.httpUrl("--" + flag, http))));
  }
}

package io.vitalflow.audit;

import java.time.Duration;
import java.time.Period;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code vitalflow.audit.*}: the audit trail of a service, and (in the processor) its sink,
 * retention and search. Checked at start: a service with a bad value refuses to start, naming it.
 *
 * @param enabled false records nothing and never refuses (development only)
 * @param failClosed true (default): while events cannot be delivered, requests are refused (503)
 *     and health is DOWN; false: events that do not fit the buffer are dropped, counted and logged
 * @param maxPending events buffered and not yet acknowledged by Kafka, at most
 * @param deliveryTimeout longest the oldest pending event may wait for Kafka's acknowledgement
 * @param topicPrefix prefix of the topic names (empty in production, fresh per test)
 * @param retention how long {@code audit_event} keeps events; whole months (partitions) or chunks
 *     older than this are dropped
 * @param sinkGroup consumer group of the audit sink, also the key of its offsets in PostgreSQL
 * @param sinkThreads audit sink consumers, each with one database connection
 * @param sinkBatchRecords flush an audit sink batch at this many events
 * @param sinkLinger flush an audit sink batch at the latest after this long
 * @param sessionTimeout how soon a crashed sink's partitions move to another instance
 * @param sinkHealthTolerance the sink's health is DOWN after failing (or not polling) this long
 * @param maintenanceInterval how often retention runs (and next months' partitions are made)
 * @param defaultPageSize search results per page without {@code _count}
 * @param maxPageSize largest {@code _count} honoured
 * @param excludedPaths request paths (Spring {@code PathPattern} syntax) the web filter does not
 *     audit: health probes and static files, which disclose nothing; refusals (401/403) on them are
 *     recorded all the same
 */
@ConfigurationProperties("vitalflow.audit")
public record AuditProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("true") boolean failClosed,
    @DefaultValue("10000") int maxPending,
    @DefaultValue("10s") Duration deliveryTimeout,
    @DefaultValue("") String topicPrefix,
    @DefaultValue("P5Y") Period retention,
    @DefaultValue("vitalflow-audit-sink") String sinkGroup,
    @DefaultValue("1") int sinkThreads,
    @DefaultValue("1000") int sinkBatchRecords,
    @DefaultValue("200ms") Duration sinkLinger,
    @DefaultValue("10s") Duration sessionTimeout,
    @DefaultValue("60s") Duration sinkHealthTolerance,
    @DefaultValue("1h") Duration maintenanceInterval,
    @DefaultValue("50") int defaultPageSize,
    @DefaultValue("1000") int maxPageSize,
    @DefaultValue({
          "/actuator/health",
          "/actuator/health/**",
          "/.well-known/**",
          "/fhir/.well-known/**",
          "/",
          "/index.html",
          "/favicon.ico",
          "/*.js",
          "/*.css",
          "/*.map",
          "/*.png",
          "/*.svg"
        })
        List<String> excludedPaths) {

  public AuditProperties {
    excludedPaths = List.copyOf(excludedPaths);
    trailOptions(topicPrefix, maxPending, deliveryTimeout, failClosed);
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("vitalflow.audit.retention must be positive");
    }
    if (sinkThreads < 1 || sinkBatchRecords < 1) {
      throw new IllegalArgumentException(
          "vitalflow.audit.sink-threads and sink-batch-records must be >= 1");
    }
    if (defaultPageSize < 1 || maxPageSize < defaultPageSize) {
      throw new IllegalArgumentException(
          "vitalflow.audit.default-page-size must be >= 1 and <= max-page-size");
    }
    if (maintenanceInterval.compareTo(Duration.ofMinutes(1)) < 0) {
      throw new IllegalArgumentException("vitalflow.audit.maintenance-interval must be >= 1m");
    }
  }

  /** What the {@link AuditTrail} is given. */
  public AuditTrail.Options trailOptions() {
    return trailOptions(topicPrefix, maxPending, deliveryTimeout, failClosed);
  }

  private static AuditTrail.Options trailOptions(
      String topicPrefix, int maxPending, Duration deliveryTimeout, boolean failClosed) {
    return new AuditTrail.Options(topicPrefix, maxPending, deliveryTimeout, failClosed);
  }
}

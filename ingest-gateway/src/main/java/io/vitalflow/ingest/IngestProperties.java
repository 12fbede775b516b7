package io.vitalflow.ingest;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the ingest gateway, prefix {@code vitalflow.ingest}. The defaults work against the embedded
 * local stack; an external Kafka cluster is a change of {@code bootstrap-servers} (plus security settings
 * under {@code producer.*}).
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param topicPrefix prefix put in front of every catalogue topic name (tests use a fresh one each)
 * @param maxBodySize largest accepted request body; larger ones get 413
 * @param maxBatchSize most readings (array elements, NDJSON lines, Bundle entries) in one request
 * @param clockSkew how far in the future an effective time may lie (device clocks drift); seconds, not minutes:
 *     a reading dated ahead would otherwise show as the newest value until its time has come
 * @param maxAge how old a reading may be; the database keeps raw partitions this far back
 * @param deliveryTimeout how long to wait for the broker to acknowledge a request's readings before 503
 * @param retryAfter the {@code Retry-After} sent with 503
 * @param producer extra Kafka producer settings (e.g. {@code security.protocol}); they win over ours
 */
@ConfigurationProperties("vitalflow.ingest")
public record IngestProperties(
    @DefaultValue("127.0.0.1:9092") String bootstrapServers,
    @DefaultValue("") String topicPrefix,
    @DefaultValue("4MB") DataSize maxBodySize,
    @DefaultValue("10000") int maxBatchSize,
    @DefaultValue("5s") Duration clockSkew,
    @DefaultValue("7d") Duration maxAge,
    @DefaultValue("5s") Duration deliveryTimeout,
    @DefaultValue("5s") Duration retryAfter,
    Map<String, String> producer) {

  public IngestProperties {
    require(bootstrapServers != null && !bootstrapServers.isBlank(), "bootstrap-servers must not be blank");
    topicPrefix = Objects.requireNonNullElse(topicPrefix, "");
    require(topicPrefix.chars().allMatch(IngestProperties::isTopicChar),
        "topic-prefix may hold only letters, digits, '.', '_' and '-'");
    require(maxBodySize != null && maxBodySize.toBytes() > 0 && maxBodySize.toBytes() <= Integer.MAX_VALUE - 8,
        "max-body-size must be between 1 byte and 2 GB");
    require(maxBatchSize > 0, "max-batch-size must be positive");
    require(isPositive(clockSkew) || Duration.ZERO.equals(clockSkew), "clock-skew must not be negative");
    require(isPositive(maxAge), "max-age must be positive");
    require(isPositive(deliveryTimeout) && deliveryTimeout.toMillis() >= 1000,
        "delivery-timeout must be at least 1s");
    require(isPositive(retryAfter) && retryAfter.toSeconds() >= 1, "retry-after must be at least 1s");
    producer = producer == null ? Map.of() : Map.copyOf(producer);
  }

  /** The defaults, as the embedded stack uses them. */
  public static IngestProperties defaults() {
    return new IngestProperties("127.0.0.1:9092", "", DataSize.ofMegabytes(4), 10_000, Duration.ofSeconds(5),
        Duration.ofDays(7), Duration.ofSeconds(5), Duration.ofSeconds(5), Map.of());
  }

  private static boolean isPositive(Duration duration) {
    return duration != null && !duration.isNegative() && !duration.isZero();
  }

  private static boolean isTopicChar(int c) {
    return Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '_' || c == '-';
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException("vitalflow.ingest." + message);
    }
  }
}

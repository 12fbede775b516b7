package io.vitalflow.ingest;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the ingest gateway, prefix {@code vitalflow.ingest}; each default is written once,
 * here. Kafka (address, TLS, SASL, producer properties) is configured with Spring Boot's {@code
 * spring.kafka.*}.
 *
 * @param topicPrefix prefix put in front of every catalogue topic name (tests use a fresh one each)
 * @param maxBodySize largest accepted request body; larger ones get 413
 * @param maxBatchSize most readings (array elements, NDJSON lines, Bundle entries) in one request
 * @param clockSkew how far in the future an effective time may lie (device clocks drift); seconds,
 *     not minutes: a reading dated ahead would otherwise show as the newest value until its time
 *     has come. The same setting and default as {@code vitalflow.processor.clock-skew} and {@code
 *     vitalflow.fhir.clock-skew}
 * @param maxAge how old a reading may be; the database keeps raw partitions this far back
 * @param deliveryTimeout how long to wait for the broker to acknowledge a request's readings before
 *     503
 * @param retryAfter the {@code Retry-After} sent with 503
 * @param devices with security on, the devices each OAuth client may send readings for: client id
 *     to device ids or glob patterns ({@code monitor-*}; {@code *} alone: every device). A client
 *     not named here may send for no device (docs/ingest.md, Devices). Ignored with security off
 */
@ConfigurationProperties("vitalflow.ingest")
public record IngestProperties(
    @DefaultValue("") String topicPrefix,
    @DefaultValue("4MB") DataSize maxBodySize,
    @DefaultValue("10000") int maxBatchSize,
    @DefaultValue("5s") Duration clockSkew,
    @DefaultValue("7d") Duration maxAge,
    @DefaultValue("5s") Duration deliveryTimeout,
    @DefaultValue("5s") Duration retryAfter,
    Map<String, List<String>> devices) {

  public IngestProperties {
    topicPrefix = Objects.requireNonNullElse(topicPrefix, "");
    require(
        topicPrefix.chars().allMatch(IngestProperties::isTopicChar),
        "topic-prefix may hold only letters, digits, '.', '_' and '-'");
    require(
        maxBodySize != null
            && maxBodySize.toBytes() > 0
            && maxBodySize.toBytes() <= Integer.MAX_VALUE - 8,
        "max-body-size must be between 1 byte and 2 GB");
    require(maxBatchSize > 0, "max-batch-size must be positive");
    require(
        isPositive(clockSkew) || Duration.ZERO.equals(clockSkew),
        "clock-skew must not be negative");
    require(isPositive(maxAge), "max-age must be positive");
    require(
        isPositive(deliveryTimeout) && deliveryTimeout.toMillis() >= 1000,
        "delivery-timeout must be at least 1s");
    require(
        isPositive(retryAfter) && retryAfter.toSeconds() >= 1, "retry-after must be at least 1s");
    Map<String, List<String>> registered = new LinkedHashMap<>();
    if (devices != null) {
      devices.forEach(
          (client, listed) -> {
            List<String> patterns = listed == null ? List.of() : listed;
            for (String pattern : patterns) {
              require(
                  isDevicePattern(pattern),
                  "devices."
                      + client
                      + " may list only device ids and glob patterns (letters, digits, . _ : -"
                      + " and *), not '"
                      + pattern
                      + "'");
            }
            registered.put(client, List.copyOf(patterns));
          });
    }
    devices = Map.copyOf(registered);
  }

  /**
   * The defaults, as a service without settings binds them (from the annotations above, not written
   * again).
   */
  public static IngestProperties defaults() {
    return new Binder(new MapConfigurationPropertySource(Map.of()))
        .bindOrCreate("vitalflow.ingest", IngestProperties.class);
  }

  private static boolean isPositive(Duration duration) {
    return duration != null && !duration.isNegative() && !duration.isZero();
  }

  private static boolean isTopicChar(int c) {
    return Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '_' || c == '-';
  }

  private static boolean isDevicePattern(String pattern) {
    return pattern != null
        && !pattern.isEmpty()
        && pattern.length() <= 128
        && pattern
            .chars()
            .allMatch(
                c ->
                    Character.isLetterOrDigit(c) && c < 128
                        || c == '.'
                        || c == '_'
                        || c == ':'
                        || c == '-'
                        || c == '*');
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException("vitalflow.ingest." + message);
    }
  }
}

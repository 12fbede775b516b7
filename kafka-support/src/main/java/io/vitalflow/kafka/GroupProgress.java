package io.vitalflow.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a consumer group (a Streams application, a sink) keeps up: compares the offsets it
 * committed with the ends of the partitions it reads. The group is <em>stalled</em> when its
 * committed offsets have not moved for {@code stallTimeout} although records arrived after they
 * last moved (a lag that only grows): a pipeline that is idle because nothing comes is not stalled,
 * nor is one a transaction marker keeps one offset behind. Asked by health checks; each check is
 * one round trip to the broker (a few seconds at most).
 */
public final class GroupProgress implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(GroupProgress.class);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(3);

  /** What one check saw: {@code lag} in records, -1 when the broker could not be asked. */
  public record Verdict(boolean stalled, long lag, Duration sinceProgress, String detail) {}

  private final KafkaClients clients;
  private final String groupId;
  private final Duration stallTimeout;
  private final LongSupplier nanoClock;
  private Admin admin;
  private boolean closed;
  private long committedSum = -1;
  private long endSumAtProgress = -1;
  private long progressAtNanos;

  public GroupProgress(KafkaClients clients, String groupId, Duration stallTimeout) {
    this(clients, groupId, stallTimeout, System::nanoTime);
  }

  GroupProgress(
      KafkaClients clients, String groupId, Duration stallTimeout, LongSupplier nanoClock) {
    this.clients = clients;
    this.groupId = groupId;
    this.stallTimeout = stallTimeout;
    this.nanoClock = nanoClock;
    this.progressAtNanos = nanoClock.getAsLong();
  }

  public String groupId() {
    return groupId;
  }

  /** Looks at the group's committed offsets and the partition ends now. */
  public synchronized Verdict check() {
    Map<TopicPartition, OffsetAndMetadata> committed;
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends;
    if (closed) {
      return judge(-1, -1, "closed");
    }
    try {
      Admin client = admin();
      committed =
          client
              .listConsumerGroupOffsets(groupId)
              .partitionsToOffsetAndMetadata()
              .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      committed.keySet().forEach(partition -> latest.put(partition, OffsetSpec.latest()));
      ends =
          latest.isEmpty()
              ? Map.of()
              : client
                  .listOffsets(latest)
                  .all()
                  .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return judge(-1, -1, "interrupted");
    } catch (Exception e) {
      log.debug("Progress of group {} unknown", groupId, e);
      return judge(-1, -1, "broker not reachable: " + e.getClass().getSimpleName());
    }
    long committedNow = 0;
    long endNow = 0;
    for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : committed.entrySet()) {
      ListOffsetsResult.ListOffsetsResultInfo end = ends.get(entry.getKey());
      if (entry.getValue() != null && end != null) {
        committedNow += entry.getValue().offset();
        endNow += end.offset();
      }
    }
    return judge(committedNow, endNow, null);
  }

  /** The stall rule, on sums over the group's partitions; -1 when they are unknown. */
  Verdict judge(long committedNow, long endNow, String unknownBecause) {
    long now = nanoClock.getAsLong();
    if (committedNow >= 0 && (committedNow != committedSum || endSumAtProgress < 0)) {
      committedSum = committedNow;
      endSumAtProgress = endNow;
      progressAtNanos = now;
    }
    Duration since = Duration.ofNanos(now - progressAtNanos);
    if (committedNow < 0) {
      return new Verdict(false, -1, since, unknownBecause);
    }
    long lag = Math.max(0, endNow - committedNow);
    boolean inputArrived = endNow > endSumAtProgress;
    boolean stalled = lag > 0 && inputArrived && since.compareTo(stallTimeout) >= 0;
    String detail =
        stalled
            ? "no progress for " + since.toSeconds() + " s while " + lag + " records wait"
            : "lag " + lag;
    return new Verdict(stalled, lag, since, detail);
  }

  private Admin admin() {
    if (admin == null) {
      Map<String, Object> config = clients.admin(Map.of());
      config.put(AdminClientConfig.CLIENT_ID_CONFIG, groupId + "-progress");
      config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis());
      config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis());
      admin = Admin.create(config);
    }
    return admin;
  }

  @Override
  public synchronized void close() {
    closed = true; // a check that comes after (the supervisor, a health probe) makes no new client
    if (admin != null) {
      admin.close(Duration.ofSeconds(2));
      admin = null;
    }
  }
}

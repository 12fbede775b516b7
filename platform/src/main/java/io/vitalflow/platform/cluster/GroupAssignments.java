package io.vitalflow.platform.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Who owns which partitions, from snapshots of the consumer groups (the admin client's {@code
 * describeConsumerGroups}: members and their assignments, which is what the group coordinator
 * decided, not an instance's opinion of it).
 *
 * <p>A member names no process, so the scenario tells the instances apart by time: the members
 * present in the last snapshot before the second instance started are the first instance's; a
 * member that appears later is the new instance's as long as all of the first instance's members
 * are still there (a rebalance keeps a member's id). A Kafka Streams member is recognised by its
 * client id instead, which carries the instance's process id ({@code
 * <application-id>-<process-id>-StreamThread-<n>-consumer}) and so survives a rejoin. A member that
 * cannot be attributed either way is counted under {@link #UNKNOWN}; the report shows it.
 */
final class GroupAssignments {

  static final String UNKNOWN = "?";

  /** One member of a group and its assigned partitions by topic. */
  record Member(String memberId, String clientId, Map<String, SortedSet<Integer>> partitions) {

    /** What identifies the member's process across rebalances (see the class comment). */
    String identity() {
      int thread = clientId.indexOf("-StreamThread-");
      return thread > 0 ? "streams:" + clientId.substring(0, thread) : "member:" + memberId;
    }
  }

  /** Every watched group's members at one instant. */
  record Snapshot(Instant at, Map<String, List<Member>> groups) {}

  /** Owner name to topic to partitions. */
  record Ownership(Map<String, Map<String, SortedSet<Integer>>> byOwner) {

    SortedSet<Integer> partitions(String owner, String topic) {
      return byOwner.getOrDefault(owner, Map.of()).getOrDefault(topic, new TreeSet<>());
    }

    int count(String owner) {
      return byOwner.getOrDefault(owner, Map.of()).values().stream().mapToInt(Set::size).sum();
    }

    Set<String> topics() {
      Set<String> topics = new TreeSet<>();
      byOwner.values().forEach(t -> topics.addAll(t.keySet()));
      return topics;
    }
  }

  private final String existing;
  private final String added;
  private final Map<String, Set<String>> existingIdentities = new TreeMap<>();

  /**
   * @param existing the name of the instance that ran alone (e.g. {@code
   *     vitals-stream-processor-1})
   * @param added the name of the instance that was added
   * @param before the last snapshot taken before {@code added} started
   */
  GroupAssignments(String existing, String added, Snapshot before) {
    this.existing = existing;
    this.added = added;
    before
        .groups()
        .forEach(
            (group, members) -> {
              Set<String> identities = new HashSet<>();
              members.forEach(m -> identities.add(m.identity()));
              existingIdentities.put(group, identities);
            });
  }

  String existing() {
    return existing;
  }

  String added() {
    return added;
  }

  /** Who owns what of {@code group} in {@code snapshot}. */
  Ownership ownership(Snapshot snapshot, String group) {
    List<Member> members = snapshot.groups().getOrDefault(group, List.of());
    Set<String> before = existingIdentities.getOrDefault(group, Set.of());
    Set<String> present = new HashSet<>();
    members.forEach(m -> present.add(m.identity()));
    boolean firstComplete = !before.isEmpty() && present.containsAll(before);
    Map<String, Map<String, SortedSet<Integer>>> byOwner = new TreeMap<>();
    for (Member member : members) {
      String owner;
      if (before.contains(member.identity())) {
        owner = existing;
      } else if (member.identity().startsWith("streams:") && !before.isEmpty()) {
        owner = added;
      } else {
        owner = firstComplete ? added : UNKNOWN;
      }
      Map<String, SortedSet<Integer>> topics = byOwner.computeIfAbsent(owner, o -> new TreeMap<>());
      member
          .partitions()
          .forEach(
              (topic, partitions) ->
                  topics.computeIfAbsent(topic, t -> new TreeSet<>()).addAll(partitions));
    }
    return new Ownership(byOwner);
  }

  /**
   * The time from {@code start} until the added instance first owned a partition of {@code group},
   * or null if it never did in {@code snapshots}.
   */
  Duration firstOwned(List<Snapshot> snapshots, String group, Instant start) {
    for (Snapshot snapshot : snapshots) {
      if (!snapshot.at().isBefore(start) && ownership(snapshot, group).count(added) > 0) {
        return Duration.between(start, snapshot.at());
      }
    }
    return null;
  }

  /**
   * The time from {@code start} to the snapshot since which the ownership of {@code group} has not
   * changed, if the added instance owns a partition then; null otherwise (not settled).
   */
  Duration settled(List<Snapshot> snapshots, String group, Instant start) {
    Ownership last = null;
    Instant since = null;
    for (Snapshot snapshot : snapshots) {
      if (snapshot.at().isBefore(start)) {
        continue;
      }
      Ownership now = ownership(snapshot, group);
      if (!now.equals(last)) {
        last = now;
        since = snapshot.at();
      }
    }
    if (last == null || last.count(added) == 0) {
      return null;
    }
    return Duration.between(start, since);
  }

  /**
   * Whether every group in {@code groups} gives the added instance a partition and has not changed
   * for {@code quiet} at the newest of {@code snapshots}.
   */
  boolean settledFor(
      List<Snapshot> snapshots, Collection<String> groups, Instant start, Duration quiet) {
    if (snapshots.isEmpty()) {
      return false;
    }
    Instant newest = snapshots.get(snapshots.size() - 1).at();
    for (String group : groups) {
      Duration settled = settled(snapshots, group, start);
      if (settled == null || start.plus(settled).plus(quiet).isAfter(newest)) {
        return false;
      }
    }
    return true;
  }

  /** {@code 0-2,5}: the partitions as ranges, or {@code -} for none. */
  static String ranges(SortedSet<Integer> partitions) {
    if (partitions.isEmpty()) {
      return "-";
    }
    List<String> parts = new ArrayList<>();
    Integer first = null;
    Integer previous = null;
    for (int p : partitions) {
      if (previous != null && p == previous + 1) {
        previous = p;
        continue;
      }
      if (first != null) {
        parts.add(first.equals(previous) ? first.toString() : first + "-" + previous);
      }
      first = p;
      previous = p;
    }
    parts.add(first.equals(previous) ? first.toString() : first + "-" + previous);
    return String.join(",", parts);
  }
}

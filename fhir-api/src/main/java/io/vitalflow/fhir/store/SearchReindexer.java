package io.vitalflow.fhir.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vitalflow.fhir.search.SearchIndexVersion;
import io.vitalflow.schemas.FhirResourceVersion;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the search index when the indexed set of parameters changed ({@link
 * SearchIndexVersion}), without downtime: in the background, one instance at a time (a PostgreSQL
 * advisory lock), in batches of current resources in key order, each batch in its own transaction
 * with the position reached ({@code fhir_index_state}), so that a restart resumes where it stopped.
 * Searches keep answering meanwhile; until a resource's turn comes it is found by the parameters
 * its old rows hold.
 *
 * <p>The current resources in {@code fhir_resource} are the newest version of each resource on
 * {@code fhir.resources.v1} (the projection writes them from the topic): reading the table instead
 * of replaying the whole topic gives the same rows for a fraction of the work. A batch locks its
 * rows ({@code for update skip locked}): a resource the projection is writing at that moment is
 * passed over, since the projection indexes it with this code anyway, and the projection waits for
 * a row the batch holds, so its newer version's rows are written last.
 */
public final class SearchReindexer implements AutoCloseable {

  /** The advisory lock key: "vfreindx" in ASCII. */
  static final long LOCK_KEY = 0x7666_7265_696e_6478L;

  private static final Logger log = LoggerFactory.getLogger(SearchReindexer.class);
  private static final Duration RETRY = Duration.ofSeconds(30);

  private final DataSource dataSource;
  private final int batchSize;
  private final IndexedProjection index = new IndexedProjection();
  private final String target = SearchIndexVersion.current();
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(
          runnable -> {
            Thread t = new Thread(runnable, "fhir-search-reindex");
            t.setDaemon(true);
            return t;
          });
  private final Counter reindexed;
  private final Counter skipped;

  /** 1 while the index is checked or rebuilt for this build, 0 once it is current. */
  private final AtomicInteger rebuilding = new AtomicInteger(1);

  private volatile boolean closed;

  public SearchReindexer(DataSource dataSource, int batchSize, MeterRegistry meters) {
    this.dataSource = dataSource;
    this.batchSize = batchSize;
    this.reindexed =
        Counter.builder("vitalflow.fhir.search.reindexed")
            .description("Resources whose search index rows were rebuilt for a new parameter set")
            .register(meters);
    this.skipped =
        Counter.builder("vitalflow.fhir.search.reindex.skipped")
            .description(
                "Resources that could not be parsed to be re-indexed (rows left as they were)")
            .register(meters);
    Gauge.builder("vitalflow.fhir.search.index.rebuilding", rebuilding, AtomicInteger::get)
        .description("1 while the search index is checked or rebuilt for this version, else 0")
        .register(meters);
  }

  /** Starts the check (and the rebuild, if needed) in the background. */
  public void start() {
    thread.submit(this::run);
  }

  private void run() {
    while (!closed) {
      try (Connection lock = dataSource.getConnection()) {
        if (tryLock(lock)) {
          try {
            rebuild();
            return;
          } finally {
            unlock(lock);
          }
        }
        if (isCurrent()) {
          rebuilding.set(0);
          return;
        }
        log.info("Search index: another instance is rebuilding it; checking again in {}", RETRY);
      } catch (SQLException | RuntimeException e) {
        log.warn(
            "Search index rebuild failed ({}); retrying in {}",
            e.getClass().getSimpleName(),
            RETRY);
        log.debug("Search index rebuild failure", e);
      }
      sleep(RETRY);
    }
  }

  private void rebuild() throws SQLException {
    Position position = begin();
    if (position == null) {
      rebuilding.set(0);
      log.debug("Search index holds parameter set {}", target);
      return;
    }
    long started = System.nanoTime();
    log.info(
        "Search index: rebuilding every current resource for parameter set {} in batches of {}"
            + " (searches keep answering meanwhile; {} resources done before)",
        target,
        batchSize,
        position.done());
    long done = position.done();
    while (!closed) {
      Batch batch = nextBatch(position);
      done += batch.reindexed();
      if (batch.last()) {
        log.info(
            "Search index rebuilt for parameter set {}: {} resources in {} s",
            target,
            done,
            Duration.ofNanos(System.nanoTime() - started).toSeconds());
        rebuilding.set(0);
        return;
      }
      position = batch.next();
    }
  }

  /**
   * Where to go on from, or null when the index is current. Records {@link #target} as the set
   * being built.
   */
  private Position begin() throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "select indexed_set, target_set, cursor_type, cursor_id, reindexed"
                    + " from fhir_index_state where id = 1");
        ResultSet row = select.executeQuery()) {
      if (!row.next()) {
        try (PreparedStatement insert =
            connection.prepareStatement(
                "insert into fhir_index_state (indexed_set, target_set, cursor_type, cursor_id)"
                    + " values ('', ?, '', '') on conflict (id) do nothing")) {
          insert.setString(1, target);
          insert.executeUpdate();
        }
        return new Position("", "", 0);
      }
      if (target.equals(row.getString("indexed_set")) && row.getString("target_set") == null) {
        return null;
      }
      if (target.equals(row.getString("target_set"))) {
        return new Position(
            row.getString("cursor_type"), row.getString("cursor_id"), row.getLong("reindexed"));
      }
      try (PreparedStatement restart =
          connection.prepareStatement(
              "update fhir_index_state set target_set = ?, cursor_type = '', cursor_id = '',"
                  + " reindexed = 0, updated_at = now() where id = 1")) {
        restart.setString(1, target);
        restart.executeUpdate();
      }
      return new Position("", "", 0);
    }
  }

  /** Re-indexes the next batch after {@code position} and records how far it got. */
  private Batch nextBatch(Position position) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        List<FhirResourceVersion> versions = new ArrayList<>(batchSize);
        try (PreparedStatement select =
            connection.prepareStatement(
                "select res_type, res_id, version_id, last_updated, deleted, resource"
                    + " from fhir_resource where (res_type, res_id) > (?, ?)"
                    + " order by res_type, res_id limit ? for update skip locked")) {
          select.setString(1, position.type());
          select.setString(2, position.id());
          select.setInt(3, batchSize);
          try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
              versions.add(
                  FhirResourceVersion.newBuilder()
                      .setResourceType(rows.getString("res_type"))
                      .setResourceId(rows.getString("res_id"))
                      .setVersionId(rows.getLong("version_id"))
                      .setLastUpdated(rows.getTimestamp("last_updated").toInstant())
                      .setDeleted(rows.getBoolean("deleted"))
                      .setResource(rows.getString("resource"))
                      .setRequestId("search-reindex")
                      .build());
            }
          }
        }
        int written = replace(connection, versions);
        boolean last = versions.size() < batchSize;
        Position next =
            versions.isEmpty()
                ? position
                : new Position(
                    versions.get(versions.size() - 1).getResourceType(),
                    versions.get(versions.size() - 1).getResourceId(),
                    position.done() + written);
        try (PreparedStatement update =
            connection.prepareStatement(
                last
                    ? "update fhir_index_state set indexed_set = target_set, target_set = null,"
                        + " cursor_type = null, cursor_id = null, reindexed = ?, updated_at = now()"
                        + " where id = 1"
                    : "update fhir_index_state set cursor_type = ?, cursor_id = ?, reindexed = ?,"
                        + " updated_at = now() where id = 1")) {
          if (last) {
            update.setLong(1, next.done());
          } else {
            update.setString(1, next.type());
            update.setString(2, next.id());
            update.setLong(3, next.done());
          }
          update.executeUpdate();
        }
        connection.commit();
        reindexed.increment(written);
        return new Batch(written, last, next);
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
  }

  /**
   * Writes the rows of a batch; when one resource cannot be parsed (a version from before the API's
   * checks), the others are written one by one and it keeps its old rows.
   */
  private int replace(Connection connection, List<FhirResourceVersion> versions)
      throws SQLException {
    try {
      index.replace(connection, versions);
      return versions.size();
    } catch (IllegalArgumentException e) {
      int written = 0;
      for (FhirResourceVersion version : versions) {
        try {
          index.replace(connection, List.of(version));
          written++;
        } catch (IllegalArgumentException unparseable) {
          skipped.increment();
          log.warn("Search index rebuild passed over one resource: {}", unparseable.getMessage());
        }
      }
      return written;
    }
  }

  private boolean isCurrent() throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "select 1 from fhir_index_state where id = 1 and indexed_set = ?"
                    + " and target_set is null")) {
      select.setString(1, target);
      try (ResultSet row = select.executeQuery()) {
        return row.next();
      }
    }
  }

  private static boolean tryLock(Connection connection) throws SQLException {
    try (PreparedStatement lock = connection.prepareStatement("select pg_try_advisory_lock(?)")) {
      lock.setLong(1, LOCK_KEY);
      try (ResultSet row = lock.executeQuery()) {
        return row.next() && row.getBoolean(1);
      }
    }
  }

  private static void unlock(Connection connection) throws SQLException {
    try (PreparedStatement unlock = connection.prepareStatement("select pg_advisory_unlock(?)")) {
      unlock.setLong(1, LOCK_KEY);
      unlock.execute();
    }
  }

  private void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.shutdownNow();
    try {
      thread.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The last resource re-indexed and how many were. */
  private record Position(String type, String id, long done) {}

  private record Batch(int reindexed, boolean last, Position next) {}
}

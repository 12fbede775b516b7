package io.vitalflow.interactions.kb;

import io.vitalflow.interactions.Knowledge;
import io.vitalflow.interactions.WasmInteractionChecker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a running checker on the current version of a {@link KnowledgeStore}: polls {@code
 * STORE/CURRENT} and, when it names another version, loads and validates that version and hands it
 * to {@link WasmInteractionChecker#reload(Knowledge)} (the host's hot reload). A version that fails
 * to load is logged and skipped; the checker keeps the one it has. One daemon thread; {@link
 * #close()} stops it.
 */
public final class KnowledgeWatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(KnowledgeWatcher.class);

  /** System property naming a store that {@link #fromSettings} watches. */
  public static final String STORE_PROPERTY = "vitalflow.interactions.kb-store";

  /** Environment variable with the same meaning (the property wins). */
  public static final String STORE_ENV = "VITALFLOW_KB_STORE";

  private final WasmInteractionChecker checker;
  private final KnowledgeStore store;
  private final ScheduledExecutorService timer;
  private volatile String loaded;
  private volatile String failed;

  private KnowledgeWatcher(
      WasmInteractionChecker checker, KnowledgeStore store, Duration interval) {
    this.checker = checker;
    this.store = store;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "kb-watcher");
              t.setDaemon(true);
              return t;
            });
    poll(); // the store's current version, if any, before the first check
    timer.scheduleWithFixedDelay(
        this::poll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Loads the store's current version now (if it has one) and then polls it every {@code interval}.
   */
  public static KnowledgeWatcher watch(
      WasmInteractionChecker checker, Path store, Duration interval) {
    Objects.requireNonNull(checker, "checker");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive");
    }
    return new KnowledgeWatcher(checker, KnowledgeStore.at(store), interval);
  }

  /**
   * Watches the store named by {@value #STORE_PROPERTY} or {@value #STORE_ENV} every 5 s, or
   * returns null when neither is set.
   */
  public static KnowledgeWatcher fromSettings(WasmInteractionChecker checker) {
    String dir = System.getProperty(STORE_PROPERTY, System.getenv(STORE_ENV));
    return dir == null || dir.isBlank()
        ? null
        : watch(checker, Path.of(dir), Duration.ofSeconds(5));
  }

  /** Checks the store once; returns true when a new version was loaded. */
  public synchronized boolean poll() {
    try {
      String version = store.currentVersion().orElse(null);
      if (version == null
          || version.equals(loaded)
          || version.equals(failed)
          || version.equals(checker.kbVersion())) {
        loaded = version;
        return false;
      }
      Knowledge next = Knowledge.load(store.root().resolve(version));
      if (!next.version().equals(version)) {
        throw new IllegalArgumentException(
            "directory " + version + " holds version " + next.version());
      }
      checker.reload(next);
      loaded = version;
      log.info(
          "knowledge base {} loaded from {} ({} codes, {} rules)",
          version,
          store.root(),
          next.codeCount(),
          next.rules().size());
      return true;
    } catch (RuntimeException e) {
      String version = currentOrUnknown();
      failed = version;
      log.warn(
          "knowledge base {} in {} not loaded, keeping {}: {}",
          version,
          store.root(),
          checker.kbVersion(),
          bounded(e.getMessage()));
      return false;
    }
  }

  private String currentOrUnknown() {
    try {
      return store.currentVersion().orElse("?");
    } catch (RuntimeException e) {
      return "?";
    }
  }

  /** First line of a message, at most 200 characters (log lines stay bounded). */
  static String bounded(String message) {
    String line = String.valueOf(message).lines().findFirst().orElse("");
    return line.length() <= 200 ? line : line.substring(0, 200) + "...";
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}

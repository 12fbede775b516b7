package io.vitalflow.interactions;

import io.vitalflow.interactions.host.PluginAbiException;
import io.vitalflow.interactions.host.PluginHost;
import io.vitalflow.interactions.host.PluginLimits;
import io.vitalflow.interactions.host.PluginSource;
import io.vitalflow.interactions.host.PluginVersion;
import io.vitalflow.interactions.kb.KnowledgeWatcher;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The interaction checker backed by the WebAssembly plugin in a {@link PluginHost}. Thread-safe;
 * one instance per process is enough (the host pools plugin instances).
 *
 * <p>The plugin's code and its knowledge are separate: {@link #reload(Knowledge)} loads a new
 * knowledge version (e.g. written by the RxNorm import) into the running plugin through the host's
 * hot reload, with no compiler and no restart; {@link #reload(PluginSource)} loads new code and
 * keeps the knowledge.
 */
public final class WasmInteractionChecker implements InteractionChecker, AutoCloseable {

  /** Name under which the shipped plugin is loaded. */
  public static final String PLUGIN_NAME = "drug-interactions";

  private final PluginHost host;
  private volatile Knowledge knowledge;
  private volatile PluginSource code;

  /** The knowledge versions the plugin may hold while a reload is under way, by version. */
  private final Map<String, Knowledge> recent = new ConcurrentHashMap<>();

  private volatile KnowledgeWatcher watcher;

  /**
   * A checker over a host started with {@link #shippedSource()} (the shipped code and knowledge).
   */
  public WasmInteractionChecker(PluginHost host) {
    this(host, Knowledge.shipped(), null);
  }

  /**
   * A checker over a host whose plugin was started with {@code code.withData(knowledge.image())}.
   */
  public WasmInteractionChecker(PluginHost host, Knowledge knowledge, PluginSource code) {
    this.host = Objects.requireNonNull(host, "host");
    this.knowledge = Objects.requireNonNull(knowledge, "knowledge");
    this.code = code;
    recent.put(knowledge.version(), knowledge);
  }

  /**
   * The plugin shipped in this jar, compiled to JVM bytecode at build time, with default limits.
   */
  public static WasmInteractionChecker shipped() {
    return shipped(PluginLimits.defaults());
  }

  /**
   * The shipped plugin and knowledge. When the system property {@code
   * vitalflow.interactions.kb-store} or the environment variable {@code VITALFLOW_KB_STORE} names a
   * knowledge store (see {@link io.vitalflow.interactions.kb.KnowledgeStore}), its current version
   * replaces the shipped knowledge at once and every new version written there later (e.g. by the
   * RxNorm import) is loaded without a restart.
   */
  public static WasmInteractionChecker shipped(PluginLimits limits) {
    // cold start: a second thread loads the knowledge snapshot and the classes the first check
    // needs while this
    // one parses the plugin module (see ColdStart)
    ColdStart beside = new ColdStart();
    Thread loader = new Thread(beside, "kb-load");
    loader.start();
    PluginSource code = shippedCode();
    try {
      loader.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while loading the knowledge base", e);
    }
    WasmInteractionChecker checker = start(code, beside.knowledge(), limits);
    checker.watcher = KnowledgeWatcher.fromSettings(checker);
    return checker;
  }

  /** The given code with the given knowledge loaded into every plugin instance. */
  public static WasmInteractionChecker start(
      PluginSource code, Knowledge knowledge, PluginLimits limits) {
    PluginHost host =
        PluginHost.start(code.withData(knowledge.imageShared(), knowledge.imageSha256()), limits);
    WasmInteractionChecker checker = new WasmInteractionChecker(host, knowledge, code);
    checker.warmUp();
    return checker;
  }

  /**
   * Runs the cold code paths once (class loading, first JIT) so the first real check meets its
   * deadline.
   */
  public void warmUp() {
    check(
        List.of(
            new Medication("11289", null),
            new Medication("855332", null),
            new Medication(null, "aspirin"),
            new Medication("0", "unknown")));
  }

  /**
   * The shipped plugin with the shipped knowledge, as a source, e.g. to roll back to it after a
   * reload.
   */
  public static PluginSource shippedSource() {
    Knowledge kb = Knowledge.shipped();
    return shippedCode().withData(kb.imageShared(), kb.imageSha256());
  }

  /**
   * The shipped plugin code without knowledge (give it some with {@link PluginSource#withData}).
   */
  public static PluginSource shippedCode() {
    return PluginSource.aot(PLUGIN_NAME, new DrugInteractionsModule());
  }

  @Override
  public CheckResult check(List<Medication> medications) {
    Knowledge kb = knowledge;
    for (int attempt = 0; ; attempt++) {
      PluginCodec.Request request = PluginCodec.encode(kb, medications);
      if (request.activeCount() < 2) {
        return request.withoutFindings(medications, kb); // no pair of rule-bearing medications
      }
      try {
        return PluginCodec.decode(host.call(request.bytes()), medications, kb, request);
      } catch (PluginCodec.UnconfiguredException e) {
        // an instance of a host started without data: it loads the image sent as a request
        if (attempt >= 2 * host.limits().maxIdleInstances() + 4) {
          throw new PluginAbiException("the plugin does not take its knowledge image");
        }
        host.call(kb.imageShared());
      } catch (PluginCodec.StaleKnowledgeException e) {
        // a reload is swapping the plugin's knowledge: encode again for the version the plugin
        // holds
        Knowledge other = recent.get(e.pluginVersion);
        if (attempt >= 2 * host.limits().maxIdleInstances() + 4) {
          throw new PluginAbiException(
              "the plugin holds knowledge "
                  + e.pluginVersion
                  + ", this checker "
                  + knowledge.version());
        }
        kb = other != null ? other : knowledge;
      }
    }
  }

  @Override
  public String kbVersion() {
    return knowledge.version();
  }

  /** All rules of the loaded knowledge base; a finding's rule is one of these. */
  public List<Rule> rules() {
    return knowledge.rules();
  }

  /** The knowledge the checker uses now. */
  public Knowledge knowledge() {
    return knowledge;
  }

  /**
   * Loads new plugin code without a restart (see {@link PluginHost#load}), keeping the current
   * knowledge (any data the source carries is replaced by it).
   */
  public PluginVersion reload(PluginSource source) {
    Knowledge kb = knowledge;
    PluginVersion v = host.load(source.withData(kb.imageShared(), kb.imageSha256()));
    this.code = source; // only once the new code serves
    return v;
  }

  /**
   * Loads a new knowledge version into the running plugin (the host's hot reload: validated on one
   * instance before it replaces the old one; calls in flight finish on the old version).
   *
   * @throws IllegalStateException when the checker was built over a host without knowing its code
   */
  public PluginVersion reload(Knowledge next) {
    PluginSource c = code;
    if (c == null) {
      throw new IllegalStateException(
          "this checker does not know its plugin code; reload a PluginSource");
    }
    recent.put(next.version(), next);
    PluginVersion v = host.load(c.withData(next.imageShared(), next.imageSha256()));
    Knowledge previous = knowledge;
    knowledge = next;
    recent.keySet().removeIf(k -> !k.equals(next.version()) && !k.equals(previous.version()));
    return v;
  }

  public PluginHost host() {
    return host;
  }

  @Override
  public void close() {
    KnowledgeWatcher w = watcher;
    if (w != null) {
      w.close();
    }
    host.close();
  }
}

package io.vitalflow.interactions;

import io.vitalflow.interactions.host.PluginHost;
import io.vitalflow.interactions.host.PluginLimits;
import io.vitalflow.interactions.host.PluginSource;
import io.vitalflow.interactions.host.PluginVersion;
import java.util.List;
import java.util.Objects;

/**
 * The interaction checker backed by the WebAssembly plugin in a {@link PluginHost}. Thread-safe; one instance per
 * process is enough (the host pools plugin instances).
 */
public final class WasmInteractionChecker implements InteractionChecker, AutoCloseable {

    /** Name under which the shipped plugin is loaded. */
    public static final String PLUGIN_NAME = "drug-interactions";

    private final PluginHost host;
    private volatile Catalogue catalogue;
    private final PluginCodec.Catalogues catalogues = new PluginCodec.Catalogues() {
        @Override
        public Catalogue cached() {
            return catalogue;
        }

        @Override
        public Catalogue forVersion(String version) {
            return catalogue(version);
        }
    };

    public WasmInteractionChecker(PluginHost host) {
        this.host = Objects.requireNonNull(host, "host");
    }

    /** The plugin shipped in this jar, compiled to JVM bytecode at build time, with default limits. */
    public static WasmInteractionChecker shipped() {
        return shipped(PluginLimits.defaults());
    }

    public static WasmInteractionChecker shipped(PluginLimits limits) {
        WasmInteractionChecker checker = new WasmInteractionChecker(PluginHost.start(shippedSource(), limits));
        checker.warmUp();
        return checker;
    }

    /** Runs the cold code paths once (class loading, first JIT) so the first real check meets its deadline. */
    public void warmUp() {
        kbVersion();
        check(List.of(new Medication("11289", null), new Medication("855332", null), new Medication(null, "aspirin"),
                new Medication("0", "unknown")));
    }

    /** The shipped plugin as a source, e.g. to roll back to it after a reload. */
    public static PluginSource shippedSource() {
        return PluginSource.aot(PLUGIN_NAME, new DrugInteractionsModule());
    }

    @Override
    public CheckResult check(List<Medication> medications) {
        byte[] result = host.call(PluginCodec.encode(medications));
        return PluginCodec.decode(result, medications, catalogues);
    }

    @Override
    public String kbVersion() {
        return catalogue(null).kbVersion();
    }

    /** All rules of the loaded knowledge base, as the plugin describes them. */
    public List<Rule> rules() {
        return catalogue(null).rules();
    }

    /** Loads a new plugin version without a restart (see {@link PluginHost#load}). */
    public PluginVersion reload(PluginSource source) {
        return host.load(source);
    }

    public PluginHost host() {
        return host;
    }

    private Catalogue catalogue(String version) {
        Catalogue c = catalogue;
        if (c != null && (version == null || c.kbVersion().equals(version))) {
            return c;
        }
        for (int attempt = 0; attempt < 3; attempt++) { // a reload may land between check and describe
            c = PluginCodec.catalogue(host.describe());
            catalogue = c;
            if (version == null || c.kbVersion().equals(version)) {
                return c;
            }
        }
        throw new io.vitalflow.interactions.host.PluginAbiException(
                "plugin result has knowledge base " + version + " but the plugin describes " + c.kbVersion());
    }

    @Override
    public void close() {
        host.close();
    }
}

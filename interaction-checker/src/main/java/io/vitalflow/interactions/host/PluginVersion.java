package io.vitalflow.interactions.host;

/**
 * One loaded plugin: its name, the SHA-256 of its module bytes (or of the build-time module) and the engine
 * currently serving it. A runtime-loaded plugin appears first as {@link Engine#INTERPRETER}, then, under the
 * same digest, as {@link Engine#RUNTIME_COMPILED}.
 */
public record PluginVersion(String name, String digest, Engine engine) {

    @Override
    public String toString() {
        return name + "@" + digest.substring(0, Math.min(12, digest.length())) + " (" + engine + ")";
    }
}

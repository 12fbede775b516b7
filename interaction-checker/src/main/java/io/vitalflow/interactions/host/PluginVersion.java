package io.vitalflow.interactions.host;

/**
 * One loaded plugin: its name, the SHA-256 of its module bytes (or of the build-time module) and
 * the engine currently serving it. A runtime-loaded plugin appears first as {@link
 * Engine#INTERPRETER}, then, under the same digest, as {@link Engine#RUNTIME_COMPILED}.
 */
public record PluginVersion(String name, String digest, Engine engine) {

  /**
   * {@code name@digest12 (ENGINE)}. Built with a {@code StringBuilder}: the first {@code
   * invokedynamic} string concatenation of a JVM costs milliseconds of bootstrap, and this runs on
   * the way to a cold start's first check.
   */
  @Override
  public String toString() {
    return new StringBuilder(name.length() + 30)
        .append(name)
        .append('@')
        .append(digest, 0, Math.min(12, digest.length()))
        .append(" (")
        .append(engine.name())
        .append(')')
        .toString();
  }
}

package io.vitalflow.interactions.host;

/**
 * The plugin trapped: {@code unreachable}, an out-of-bounds access, a division by zero, a Rust
 * panic.
 */
public class PluginTrapException extends PluginException {

  private static final long serialVersionUID = 1L;

  public PluginTrapException(String message, Throwable cause) {
    super(message, cause);
  }
}

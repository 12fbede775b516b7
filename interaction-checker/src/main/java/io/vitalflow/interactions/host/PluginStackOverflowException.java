package io.vitalflow.interactions.host;

/** The plugin recursed until the call stack was exhausted. */
public final class PluginStackOverflowException extends PluginTrapException {

  private static final long serialVersionUID = 1L;

  public PluginStackOverflowException(String message, Throwable cause) {
    super(message, cause);
  }
}

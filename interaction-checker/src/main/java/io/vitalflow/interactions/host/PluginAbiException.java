package io.vitalflow.interactions.host;

/**
 * The plugin does not follow the ABI: missing or mistyped exports, imports, a bad version, a bad
 * result.
 */
public final class PluginAbiException extends PluginException {

  private static final long serialVersionUID = 1L;

  public PluginAbiException(String message) {
    super(message);
  }

  public PluginAbiException(String message, Throwable cause) {
    super(message, cause);
  }
}

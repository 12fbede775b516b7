package io.vitalflow.interactions.host;

/** The plugin needed more linear memory than its cap allows. */
public final class PluginMemoryException extends PluginException {

  private static final long serialVersionUID = 1L;

  public PluginMemoryException(String message) {
    super(message);
  }

  public PluginMemoryException(String message, Throwable cause) {
    super(message, cause);
  }
}

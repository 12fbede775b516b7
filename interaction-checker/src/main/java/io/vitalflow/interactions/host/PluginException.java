package io.vitalflow.interactions.host;

/** Base of every failure a plugin can cause; the instance that failed is never used again. */
public class PluginException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public PluginException(String message) {
    super(message);
  }

  public PluginException(String message, Throwable cause) {
    super(message, cause);
  }
}

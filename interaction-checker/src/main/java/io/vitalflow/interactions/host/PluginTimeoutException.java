package io.vitalflow.interactions.host;

/** The call ran past its deadline and was interrupted by the watchdog. */
public final class PluginTimeoutException extends PluginException {

  private static final long serialVersionUID = 1L;

  public PluginTimeoutException(String message, Throwable cause) {
    super(message, cause);
  }
}

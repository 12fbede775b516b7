package io.vitalflow.interactions.extism;

import io.vitalflow.interactions.host.PluginException;

/**
 * An Extism plugin function reported a failure: it set an error with {@code error_set} and/or
 * returned a non-zero code. The plugin itself is healthy (it did not trap); the instance stays in
 * use.
 */
public final class ExtismErrorException extends PluginException {

  private static final long serialVersionUID = 1L;

  private final String function;
  private final int returnCode;
  private final String pluginMessage;

  ExtismErrorException(String message, String function, int returnCode, String pluginMessage) {
    super(message);
    this.function = function;
    this.returnCode = returnCode;
    this.pluginMessage = pluginMessage;
  }

  /** The exported function that failed. */
  public String function() {
    return function;
  }

  /** What the function returned (may be 0 when it only set an error). */
  public int returnCode() {
    return returnCode;
  }

  /** The message the plugin passed to {@code error_set}, or null when it set none. */
  public String pluginMessage() {
    return pluginMessage;
  }
}

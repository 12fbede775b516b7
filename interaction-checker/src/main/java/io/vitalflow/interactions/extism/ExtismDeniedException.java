package io.vitalflow.interactions.extism;

import io.vitalflow.interactions.host.PluginException;

/**
 * An Extism plugin asked for something this sandbox never grants (such as {@code http_request}:
 * plugins get no network). The call fails and the instance is discarded.
 */
public final class ExtismDeniedException extends PluginException {

  private static final long serialVersionUID = 1L;

  ExtismDeniedException(String message) {
    super(message);
  }
}

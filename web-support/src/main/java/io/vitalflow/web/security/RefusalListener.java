package io.vitalflow.web.security;

import org.springframework.web.server.ServerWebExchange;

/** Told of every 401 and 403 the security layer answers (the audit trail records them). */
@FunctionalInterface
public interface RefusalListener {

  /**
   * @param status 401 or 403
   * @param detail why (no token, no request data)
   */
  void refused(ServerWebExchange exchange, int status, String detail);
}

package io.vitalflow.auth;

import java.net.InetAddress;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;

/**
 * Writes the running server's URL (its issuer) to {@code <data-dir>/auth/url} once it listens, and
 * removes it when it stops, so {@code ./vitalflow token} finds the server of a data directory.
 */
class ServerUrl implements ApplicationListener<WebServerInitializedEvent> {

  private final AuthServerSettings settings;

  ServerUrl(AuthServerSettings settings) {
    this.settings = settings;
  }

  @Override
  public void onApplicationEvent(WebServerInitializedEvent event) {
    AuthFiles.write(settings.authDir(), AuthFiles.URL, url(event) + "\n");
  }

  @EventListener
  void stopped(ContextClosedEvent event) {
    AuthFiles.delete(settings.authDir(), AuthFiles.URL);
  }

  private String url(WebServerInitializedEvent event) {
    if (!settings.issuer().isEmpty()) {
      return settings.issuer();
    }
    String address = event.getApplicationContext().getEnvironment().getProperty("server.address");
    String host = "127.0.0.1";
    if (address != null && !address.isBlank()) {
      try {
        InetAddress bound = InetAddress.getByName(address);
        if (!bound.isAnyLocalAddress()) {
          host = bound instanceof java.net.Inet6Address ? "[" + address + "]" : address;
        }
      } catch (java.net.UnknownHostException e) {
        host = address;
      }
    }
    return "http://" + host + ":" + event.getWebServer().getPort();
  }
}

package io.vitalflow.dashboard.push.transport;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.vitalflow.dashboard.access.ClientIdentity;
import io.vitalflow.dashboard.push.DashboardService;
import io.vitalflow.dashboard.push.protocol.CloseReason;
import java.nio.charset.StandardCharsets;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.util.MultiValueMap;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;
import reactor.core.publisher.Mono;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerRoutes;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * {@code /api/v1/dashboard/ws} served by Reactor Netty directly, in front of WebFlux (a route of
 * the same server and port): the same protocol as {@link WebSocketEndpoint}, but a connection holds
 * only its Netty channel, Reactor Netty's WebSocket operations, a {@link Connection} with a {@link
 * ChannelOutlet} and an {@link InboundFrames} handler: no WebFlux exchange, session, handshake copy
 * or stream operators (3.8 KB instead of 18.6 KB per idle connection, measured). The catch:
 * WebFlux's filters (and so a future Spring Security chain) do not see these requests, so the
 * identity is anonymous; {@code websocket-server: webflux} switches back. Requests without {@code
 * Upgrade: websocket} fall through to WebFlux.
 */
public final class NettyWebSocketRoute implements NettyRouteProvider {

  private static final WebsocketServerSpec SPEC =
      WebsocketServerSpec.builder().maxFramePayloadLength(65_536).build();

  private final ObjectProvider<DashboardService> services;
  private volatile DashboardService service;

  /**
   * The service is looked up at the first connection (the web server is built before the other
   * beans).
   */
  public NettyWebSocketRoute(ObjectProvider<DashboardService> services) {
    this.services = services;
  }

  @Override
  public HttpServerRoutes apply(HttpServerRoutes routes) {
    return routes.route(
        NettyWebSocketRoute::isUpgrade,
        (request, response) -> {
          String uri = request.uri();
          HttpHeaders requestHeaders = request.requestHeaders();
          HttpHeaders responseHeaders = response.responseHeaders();
          return response.sendWebsocket(
              (in, out) -> {
                // the handshake is done and nothing reads its headers again, but the connection
                // would keep them
                requestHeaders.clear();
                responseHeaders.clear();
                return handle(uri, in, out);
              },
              SPEC);
        });
  }

  private static boolean isUpgrade(HttpServerRequest request) {
    return request.method() == HttpMethod.GET
        && WebSocketEndpoint.PATH.equals(request.fullPath())
        && "websocket".equalsIgnoreCase(request.requestHeaders().get(HttpHeaderNames.UPGRADE));
  }

  private Mono<Void> handle(String uri, WebsocketInbound in, WebsocketOutbound out) {
    DashboardService service = service();
    Connection connection = service.open(Transport.WEBSOCKET, ClientIdentity.ANONYMOUS);
    InboundFrames frames = new InboundFrames(connection, service);
    in.withConnection(
        netty -> {
          Channel channel = netty.channel();
          channel
              .pipeline()
              .addBefore(NettyPipeline.ReactiveBridge, "vitalflow.dashboard.inbound", frames);
          channel.closeFuture().addListener(closed -> connection.close(CloseReason.CLIENT_GONE));
          connection.attach(new ChannelOutlet(channel, out));
        });
    MultiValueMap<String, String> query =
        UriComponentsBuilder.fromUriString(uri).build().getQueryParams();
    service
        .subscribeFromQuery(
            connection,
            parameter(query, "patients"),
            parameter(query, "ward"),
            parameter(query, "resume"))
        .doFinally(signal -> frames.start())
        .subscribe();
    return Mono.never();
  }

  private DashboardService service() {
    DashboardService found = service;
    if (found == null) {
      found = services.getObject();
      service = found;
    }
    return found;
  }

  private static String parameter(MultiValueMap<String, String> query, String name) {
    String raw = query.getFirst(name);
    return raw == null ? null : UriUtils.decode(raw, StandardCharsets.UTF_8);
  }
}

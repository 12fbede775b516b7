package io.vitalflow.dashboard.push.transport;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vitalflow.dashboard.access.Admission;
import io.vitalflow.dashboard.access.Admissions;
import io.vitalflow.dashboard.access.OriginPolicy;
import io.vitalflow.dashboard.access.Refused;
import io.vitalflow.dashboard.access.RefusedResponses;
import io.vitalflow.dashboard.push.DashboardService;
import io.vitalflow.dashboard.push.PushMetrics;
import io.vitalflow.dashboard.push.protocol.CloseReason;
import io.vitalflow.web.OverloadAnswer;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.util.MultiValueMap;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;
import reactor.core.publisher.Mono;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * {@code /api/v1/dashboard/ws} served by Reactor Netty directly, in front of WebFlux (a route of
 * the same server and port): the same protocol as {@link WebSocketEndpoint}, but a connection holds
 * only its Netty channel, Reactor Netty's WebSocket operations, a {@link Connection} with a {@link
 * ChannelOutlet} and an {@link InboundFrames} handler: no WebFlux exchange, session, handshake copy
 * or stream operators (3.8 KB instead of 18.6 KB per idle connection, measured). WebFlux's filters
 * (so the security filters) do not see these requests: the route does their work before the
 * upgrade. A browser's {@code Origin} must be allowed ({@link OriginPolicy}, else 403), and the
 * handshake must carry {@code Authorization: Bearer} or {@code ?ticket=} ({@link Admissions}, else
 * 401, or 403 without Observation read), all answered as problem details before any upgrade.
 * Requests without {@code Upgrade: websocket} fall through to WebFlux.
 */
public final class NettyWebSocketRoute implements NettyRouteProvider {

  private static final Logger log = LoggerFactory.getLogger(NettyWebSocketRoute.class);
  private static final WebsocketServerSpec SPEC =
      WebsocketServerSpec.builder().maxFramePayloadLength(65_536).build();

  /** What the route needs from the application context (built after the web server). */
  public record Parts(
      DashboardService service,
      Admissions admissions,
      RefusedResponses refusals,
      PushMetrics metrics) {}

  private final ObjectProvider<Parts> parts;
  private final OriginPolicy origins;
  private volatile Parts found;

  /**
   * The parts are looked up at the first connection (the web server is built before the other
   * beans).
   */
  public NettyWebSocketRoute(ObjectProvider<Parts> parts, OriginPolicy origins) {
    this.parts = parts;
    this.origins = origins;
  }

  @Override
  public HttpServerRoutes apply(HttpServerRoutes routes) {
    return routes.route(
        NettyWebSocketRoute::isUpgrade,
        (request, response) -> {
          Parts parts = parts();
          String uri = request.uri();
          HttpHeaders requestHeaders = request.requestHeaders();
          HttpHeaders responseHeaders = response.responseHeaders();
          if (!origins.allows(
              requestHeaders.get(HttpHeaderNames.ORIGIN), port(request.connectionHostAddress()))) {
            return refuse(
                response,
                parts,
                Refused.forbidden(
                    "WebSocket connections from this page's origin are not allowed"
                        + " (vitalflow.dashboard.allowed-origins)."));
          }
          String ticket =
              parameter(UriComponentsBuilder.fromUriString(uri).build().getQueryParams(), "ticket");
          return parts
              .admissions()
              .admit(requestHeaders.get(HttpHeaderNames.AUTHORIZATION), ticket)
              .onErrorResume(
                  Refused.class,
                  refused -> refuse(response, parts, refused).then(Mono.<Admission>empty()))
              .flatMap(
                  admission ->
                      response.sendWebsocket(
                          (in, out) -> {
                            // the handshake is done and nothing reads its headers again, but the
                            // connection would keep them
                            requestHeaders.clear();
                            responseHeaders.clear();
                            return handle(parts.service(), admission, uri, in, out);
                          },
                          SPEC));
        });
  }

  private static int port(SocketAddress local) {
    return local instanceof InetSocketAddress address ? address.getPort() : -1;
  }

  private static Mono<Void> refuse(HttpServerResponse response, Parts parts, Refused refused) {
    parts.metrics().refused(Transport.WEBSOCKET, refused.status());
    log.debug("Refused a WebSocket handshake: {} {}", refused.status(), refused.detail());
    OverloadAnswer.Body body = parts.refusals().body(refused, WebSocketEndpoint.PATH);
    response
        .status(HttpResponseStatus.valueOf(refused.status()))
        .header(HttpHeaderNames.CONTENT_TYPE, body.contentType())
        .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.bytes().length));
    if (refused.challenge() != null) {
      response.header(HttpHeaderNames.WWW_AUTHENTICATE, refused.challenge());
    }
    return response.sendByteArray(Mono.just(body.bytes())).then();
  }

  private static boolean isUpgrade(HttpServerRequest request) {
    return request.method() == HttpMethod.GET
        && WebSocketEndpoint.PATH.equals(request.fullPath())
        && "websocket".equalsIgnoreCase(request.requestHeaders().get(HttpHeaderNames.UPGRADE));
  }

  private Mono<Void> handle(
      DashboardService service,
      Admission admission,
      String uri,
      WebsocketInbound in,
      WebsocketOutbound out) {
    Connection connection = service.open(Transport.WEBSOCKET, admission);
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

  private Parts parts() {
    Parts known = found;
    if (known == null) {
      known = parts.getObject();
      found = known;
    }
    return known;
  }

  private static String parameter(MultiValueMap<String, String> query, String name) {
    String raw = query.getFirst(name);
    return raw == null ? null : UriUtils.decode(raw, StandardCharsets.UTF_8);
  }
}

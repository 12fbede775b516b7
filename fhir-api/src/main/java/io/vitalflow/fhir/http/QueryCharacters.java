package io.vitalflow.fhir.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpRequest;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * Percent-encodes the characters of a request target that {@link java.net.URI} refuses, before
 * Spring sees the request: FHIR clients send token searches such as {@code
 * Patient?identifier=urn:mrn|42} with a raw {@code |}, and Spring's Reactor adapter answers a
 * target it cannot turn into a {@code URI} with a 400 with an empty body, before any handler (and
 * so any {@code OperationOutcome}) can run. Encoded, the request is answered normally (the query is
 * decoded again for the handlers). Also encodes a {@code %} that does not start an escape.
 *
 * <p>Only targets with such characters are rewritten (one scan of the target otherwise).
 */
@Component
final class QueryCharacters implements NettyServerCustomizer {

  private static final String NAME = "vitalflow.queryCharacters";
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  @Override
  public HttpServer apply(HttpServer server) {
    return server.doOnChannelInit((observer, channel, remote) -> install(channel.pipeline()));
  }

  private static void install(ChannelPipeline pipeline) {
    if (pipeline.get(NettyPipeline.HttpCodec) != null && pipeline.get(NAME) == null) {
      pipeline.addAfter(NettyPipeline.HttpCodec, NAME, Encoder.INSTANCE);
    }
  }

  /** The request target with every character {@code URI} refuses percent-encoded. */
  static String encoded(String target) {
    int n = target.length();
    int i = 0;
    while (i < n && allowed(target, i)) {
      i++;
    }
    if (i == n) {
      return target;
    }
    StringBuilder out = new StringBuilder(n + 16).append(target, 0, i);
    for (; i < n; i++) {
      if (allowed(target, i)) {
        out.append(target.charAt(i));
      } else {
        // Netty reads the request line as ISO-8859-1: a char is one byte as sent
        char c = target.charAt(i);
        out.append('%').append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
      }
    }
    return out.toString();
  }

  /** Characters of RFC 2396 that {@code URI} takes in a path or query, and complete escapes. */
  private static boolean allowed(String target, int i) {
    char c = target.charAt(i);
    if (c == '%') {
      return i + 2 < target.length() && hex(target.charAt(i + 1)) && hex(target.charAt(i + 2));
    }
    if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
      return true;
    }
    return c < 0x80 && "-_.!~*'();/?:@&=+$,[]#".indexOf(c) >= 0;
  }

  private static boolean hex(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
  }

  /** Rewrites the target of each request head; stateless, so one for all connections. */
  @ChannelHandler.Sharable
  static final class Encoder extends ChannelInboundHandlerAdapter {

    static final Encoder INSTANCE = new Encoder();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
      if (message instanceof HttpRequest request) {
        String uri = request.uri();
        String encoded = encoded(uri);
        if (!encoded.equals(uri)) {
          request.setUri(encoded);
        }
      }
      ctx.fireChannelRead(message);
    }
  }
}

package io.rallypoint.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StaticFilesTest {

  private final StaticFiles files = new StaticFiles();

  @Test
  void theRootIsTheDemoPageAndAssetsLiveUnderStatic() {
    assertThat(StaticFiles.resolve("/")).contains("index.html");
    assertThat(StaticFiles.resolve("/index.html")).contains("index.html");
    assertThat(StaticFiles.resolve("/static/rallypoint-client.js")).contains("rallypoint-client.js");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/static/../GatewayServer.class", "/static/..", "/static/.hidden.js", "/static/a/b.js",
      "/static/%2e%2e/x.js", "/static/x.class", "/static/", "/static/web\\app.js", "/static/APP.JS", "/other.js"})
  void nothingOutsideTheWebFolderCanBeNamed(String path) {
    assertThat(StaticFiles.resolve(new QueryStringDecoder(path).path())).isEmpty();
  }

  @Test
  void filesAreServedWithTheirTypeAnEtagAndRevalidation() {
    FullHttpResponse page = get("/", null);
    assertThat(page.status()).isEqualTo(HttpResponseStatus.OK);
    assertThat(page.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/html; charset=utf-8");
    assertThat(page.headers().get(HttpHeaderNames.CACHE_CONTROL)).isEqualTo("no-cache");
    assertThat(page.headers().get("Content-Security-Policy")).contains("default-src 'self'");
    assertThat(page.content().toString(StandardCharsets.UTF_8)).contains("static/app.js");
    page.release();

    FullHttpResponse module = get("/static/rallypoint-client.js", null);
    assertThat(module.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/javascript; charset=utf-8");
    assertThat(module.headers().get("X-Content-Type-Options")).isEqualTo("nosniff");
    String etag = module.headers().get(HttpHeaderNames.ETAG);
    assertThat(etag).startsWith("\"").endsWith("\"");
    module.release();

    FullHttpResponse again = get("/static/rallypoint-client.js", etag);
    assertThat(again.status()).isEqualTo(HttpResponseStatus.NOT_MODIFIED);
    assertThat(again.content().readableBytes()).isZero();
    again.release();

    assertThat(get("/static/app.css", null).headers().get(HttpHeaderNames.CONTENT_TYPE)).startsWith("text/css");
    assertThat(get("/static/missing.js", null).status()).isEqualTo(HttpResponseStatus.NOT_FOUND);
    assertThat(get("/static/../GatewayServer.class", null).status()).isEqualTo(HttpResponseStatus.NOT_FOUND);
  }

  @Test
  void onlyGetAndHeadAreAllowed() {
    FullHttpRequest post = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/", Unpooled.EMPTY_BUFFER);
    assertThat(exchange(post).status()).isEqualTo(HttpResponseStatus.METHOD_NOT_ALLOWED);
    FullHttpRequest head = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.HEAD, "/", Unpooled.EMPTY_BUFFER);
    FullHttpResponse response = exchange(head);
    assertThat(response.status()).isEqualTo(HttpResponseStatus.OK);
    assertThat(response.content().readableBytes()).isZero();
  }

  private FullHttpResponse get(String uri, String ifNoneMatch) {
    FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri, Unpooled.EMPTY_BUFFER);
    if (ifNoneMatch != null) {
      request.headers().set(HttpHeaderNames.IF_NONE_MATCH, ifNoneMatch);
    }
    return exchange(request);
  }

  private FullHttpResponse exchange(FullHttpRequest request) {
    EmbeddedChannel channel = new EmbeddedChannel(new SimpleChannelInboundHandler<FullHttpRequest>() {
      @Override
      protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
        files.serve(ctx, msg, new QueryStringDecoder(msg.uri()).path());
      }
    });
    channel.writeInbound(request);
    FullHttpResponse response = channel.readOutbound();
    channel.finishAndReleaseAll();
    return response;
  }
}

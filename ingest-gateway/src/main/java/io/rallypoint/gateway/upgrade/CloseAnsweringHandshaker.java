package io.rallypoint.gateway.upgrade;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;

/**
 * The RFC 6455 (version 13) handshake, with a frame decoder that leaves the client's close frame to
 * {@link io.rallypoint.gateway.frames.FrameHandler}: Netty's decoder checks the close code and
 * reason itself and, finding either invalid, ends the connection without a close frame (the client
 * sees 1006), where PROTOCOL 1.7 promises 1002 for a code RFC 6455 does not allow and 1007 for a
 * reason that is not UTF-8.
 */
final class CloseAnsweringHandshaker extends WebSocketServerHandshaker13 {

  CloseAnsweringHandshaker(String location, WebSocketDecoderConfig config) {
    super(location, null, config);
  }

  @Override
  protected WebSocketFrameDecoder newWebsocketDecoder() {
    return new WebSocket13FrameDecoder(decoderConfig()) {
      @Override
      protected void checkCloseFrameBody(ChannelHandlerContext ctx, ByteBuf buffer) {
        // the frame handler answers every close frame, an invalid one with 1002 or 1007
      }
    };
  }
}

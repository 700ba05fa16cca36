package io.rallypoint.gateway.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EncodedTextFrameTest {

  /** What Netty's own server-side encoder puts on the wire for a text frame. */
  private static byte[] nettyEncoded(String text) {
    EmbeddedChannel channel = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
    channel.writeOutbound(new TextWebSocketFrame(text));
    ByteBuf all = channel.alloc().buffer();
    for (Object part; (part = channel.readOutbound()) != null; ) {
      ByteBuf buf = (ByteBuf) part;
      all.writeBytes(buf);
      buf.release();
    }
    byte[] bytes = ByteBufUtil.getBytes(all);
    all.release();
    channel.finishAndReleaseAll();
    return bytes;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 125, 126, 127, 65_535, 65_536, 70_000})
  void theFrameIsByteForByteWhatNettysEncoderWrites(int length) {
    // Given a text of that many UTF-8 bytes, with multi-byte characters where it fits
    String text = length >= 6 ? "é🏃" + "x".repeat(length - 6) : "x".repeat(length);

    ByteBuf ours = EncodedTextFrame.of(text);
    try {
      // Then every member receives exactly the frame a per-connection encoder would have written
      assertThat(ByteBufUtil.getBytes(ours)).isEqualTo(nettyEncoded(text));
    } finally {
      ours.release();
    }
  }
}

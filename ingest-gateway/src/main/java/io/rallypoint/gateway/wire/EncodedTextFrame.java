package io.rallypoint.gateway.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;

/**
 * A WebSocket text frame encoded once, as RFC 6455 puts it on the wire from a server (FIN, text
 * opcode, payload length, no mask), so one broadcast writes the same bytes to every member instead
 * of running each member's frame encoder over the same payload. Connections negotiate no
 * extensions (no compression), so the bytes are the same for all of them; the pipeline's frame
 * encoder lets a ready {@link ByteBuf} through untouched.
 */
public final class EncodedTextFrame {

  private static final int FIN_TEXT = 0x81;

  private EncodedTextFrame() {}

  /**
   * The whole frame for this text, in a new direct buffer the caller owns: direct, so each socket
   * write sends it as it is instead of copying it off the heap first.
   */
  public static ByteBuf of(String text) {
    int payload = ByteBufUtil.utf8Bytes(text);
    int header = payload < 126 ? 2 : payload <= 0xFFFF ? 4 : 10;
    ByteBuf frame = ByteBufAllocator.DEFAULT.directBuffer(header + payload, header + payload);
    frame.writeByte(FIN_TEXT);
    if (payload < 126) {
      frame.writeByte(payload);
    } else if (payload <= 0xFFFF) {
      frame.writeByte(126).writeShort(payload);
    } else {
      frame.writeByte(127).writeLong(payload);
    }
    ByteBufUtil.reserveAndWriteUtf8(frame, text, payload);
    return frame;
  }
}

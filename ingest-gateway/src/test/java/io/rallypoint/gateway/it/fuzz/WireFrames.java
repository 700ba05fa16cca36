package io.rallypoint.gateway.it.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * WebSocket frames (RFC 6455) written byte by byte, so a client frame may break any rule a real
 * client library enforces (unmasked, reserved bits, bad opcodes, non-minimal lengths, invalid
 * UTF-8); and the server's frames read back.
 */
public final class WireFrames {

  public static final int CONTINUATION = 0x0;
  public static final int TEXT = 0x1;
  public static final int BINARY = 0x2;
  public static final int CLOSE = 0x8;
  public static final int PING = 0x9;
  public static final int PONG = 0xA;

  private WireFrames() {}

  /** A masked client frame with a random mask key, lengths minimally encoded. */
  public static byte[] masked(boolean fin, int opcode, byte[] payload, Random random) {
    return frame(fin, 0, opcode, payload, maskKey(random), Length.MINIMAL);
  }

  /** How the payload length is written: minimal (as RFC 6455 requires), or in a longer form than needed. */
  public enum Length { MINIMAL, SIXTEEN_BITS, SIXTY_FOUR_BITS }

  /**
   * One frame as bytes: FIN bit, the three RSV bits, the opcode (any of 16), the payload, masked
   * with {@code maskKey} when it is not null (a client must mask; an unmasked one is a violation).
   */
  public static byte[] frame(boolean fin, int rsv, int opcode, byte[] payload, byte[] maskKey, Length length) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 14);
    out.write((fin ? 0x80 : 0) | (rsv & 0x7) << 4 | (opcode & 0xF));
    int maskBit = maskKey == null ? 0 : 0x80;
    int n = payload.length;
    if (length == Length.MINIMAL && n < 126) {
      out.write(maskBit | n);
    } else if (length != Length.SIXTY_FOUR_BITS && n <= 0xFFFF) {
      out.write(maskBit | 126);
      out.write(n >>> 8);
      out.write(n & 0xFF);
    } else {
      out.write(maskBit | 127);
      long len = n;
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) (len >>> shift) & 0xFF);
      }
    }
    if (maskKey == null) {
      out.writeBytes(payload);
    } else {
      out.writeBytes(maskKey);
      byte[] masked = new byte[n];
      for (int i = 0; i < n; i++) {
        masked[i] = (byte) (payload[i] ^ maskKey[i & 3]);
      }
      out.writeBytes(masked);
    }
    return out.toByteArray();
  }

  /** A frame header that announces {@code announced} payload bytes (64-bit form), masked, without the payload. */
  public static byte[] header64(int opcode, long announced, byte[] maskKey) {
    ByteBuffer header = ByteBuffer.allocate(14);
    header.put((byte) (0x80 | opcode));
    header.put((byte) (0x80 | 127));
    header.putLong(announced);
    header.put(maskKey);
    return header.array();
  }

  public static byte[] maskKey(Random random) {
    byte[] key = new byte[4];
    random.nextBytes(key);
    return key;
  }

  /** A close frame's payload: the code, then the reason. */
  public static byte[] closePayload(int code, byte[] reason) {
    byte[] payload = new byte[2 + reason.length];
    payload[0] = (byte) (code >>> 8);
    payload[1] = (byte) code;
    System.arraycopy(reason, 0, payload, 2, reason.length);
    return payload;
  }

  /** Whether the bytes are well-formed UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF). */
  public static boolean isUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** A frame the server sent. */
  public record ServerFrame(boolean fin, int opcode, byte[] payload) {

    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The close code of a close frame; 1005 (none given) for an empty one. */
    public int closeCode() {
      return payload.length >= 2 ? (payload[0] & 0xFF) << 8 | payload[1] & 0xFF : 1005;
    }
  }

  /**
   * Reads the server's next frame; throws {@link EOFException} when the stream ends, and
   * {@link IOException} when the server breaks RFC 6455 (a masked frame, reserved bits).
   */
  public static ServerFrame read(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    int b0 = data.read();
    if (b0 < 0) {
      throw new EOFException();
    }
    int b1 = data.readUnsignedByte();
    if ((b0 & 0x70) != 0 || (b1 & 0x80) != 0) {
      throw new IOException("the server sent a frame with reserved bits or a mask: " + b0 + " " + b1);
    }
    long length = b1 & 0x7F;
    if (length == 126) {
      length = data.readUnsignedShort();
    } else if (length == 127) {
      length = data.readLong();
    }
    if (length < 0 || length > 64L * 1024 * 1024) {
      throw new IOException("the server announced a frame of " + length + " bytes");
    }
    byte[] payload = new byte[(int) length];
    data.readFully(payload);
    return new ServerFrame((b0 & 0x80) != 0, b0 & 0x0F, payload);
  }
}

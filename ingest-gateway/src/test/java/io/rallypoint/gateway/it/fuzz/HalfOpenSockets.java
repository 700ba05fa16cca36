package io.rallypoint.gateway.it.fuzz;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/**
 * Sockets that leave the gateway hanging: upgraded and then silent, stuck in the middle of a frame
 * header or payload, half-closed, cut without a close frame or reset, stuck in the middle of the
 * HTTP upgrade, or upgraded with a bad token (which must be refused with 401). They are opened
 * one after another while the fuzz runs and the silent ones are kept open until {@link #close}:
 * none of them may stall or crash the node, and every connection they opened must be gone from the
 * node once they are.
 */
final class HalfOpenSockets implements Runnable, AutoCloseable {

  enum Kind {
    SILENT_AFTER_UPGRADE, PARTIAL_HEADER, PARTIAL_LENGTH, PARTIAL_MASK, HALF_PAYLOAD, HALF_PAYLOAD_THEN_TCP_CLOSE,
    TCP_CLOSE_WITHOUT_CLOSE_FRAME, TCP_RESET, HALF_CLOSED_OUTPUT, NEVER_READS, HTTP_HALF_REQUEST, HTTP_GARBAGE,
    BAD_TOKEN
  }

  private final IntFunction<Integer> portOfNode;
  private final int nodes;
  private final IntFunction<String> tokenOfUser;
  private final Random random;
  private final FuzzStats stats;
  private final BooleanSupplier stopped;
  private final long everyNanos;
  private final List<Socket> open = new ArrayList<>();
  private final List<RawWebSocket> openWebSockets = new ArrayList<>();

  /**
   * @param portOfNode  the port of node {@code i}
   * @param tokenOfUser a valid token for half-open user {@code n}
   */
  HalfOpenSockets(IntFunction<Integer> portOfNode, int nodes, IntFunction<String> tokenOfUser, long seed,
      FuzzStats stats, BooleanSupplier stopped, long everyMillis) {
    this.portOfNode = portOfNode;
    this.nodes = nodes;
    this.tokenOfUser = tokenOfUser;
    this.random = new Random(seed);
    this.stats = stats;
    this.stopped = stopped;
    this.everyNanos = everyMillis * 1_000_000L;
  }

  @Override
  public void run() {
    Kind[] kinds = Kind.values();
    for (int n = 0; !stopped.getAsBoolean(); n++) {
      Kind kind = kinds[n % kinds.length];
      int port = portOfNode.apply(n % nodes);
      try {
        open(kind, port, n);
        stats.halfOpen(kind.name());
      } catch (IOException e) {
        stats.violation("half-open socket " + n + " (" + kind + "): " + e);
      }
      LockSupport.parkNanos(everyNanos); // the pace at which they are opened, not a wait for the gateway
    }
  }

  private void open(Kind kind, int port, int n) throws IOException {
    switch (kind) {
      case HTTP_HALF_REQUEST -> keep(rawWrite(port, "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websock"));
      case HTTP_GARBAGE -> {
        Socket socket = RawWebSocket.tcp(port);
        byte[] garbage = new byte[1 + random.nextInt(2_000)];
        random.nextBytes(garbage);
        socket.getOutputStream().write(garbage);
        keep(socket);
      }
      case BAD_TOKEN -> {
        try (RawWebSocket ws = RawWebSocket.open(port, tokenOfUser.apply(n) + "x", random, 0)) {
          stats.violation("half-open socket " + n + ": a token with a bad signature was accepted");
        } catch (IOException refused) {
          if (!String.valueOf(refused.getMessage()).contains(" 401")) {
            throw refused;
          }
        }
      }
      default -> upgraded(kind, port, n);
    }
  }

  private void upgraded(Kind kind, int port, int n) throws IOException {
    RawWebSocket ws = RawWebSocket.open(port, tokenOfUser.apply(n), random, kind == Kind.NEVER_READS ? 4_096 : 0);
    byte[] mask = WireFrames.maskKey(random);
    byte[] ping = "{\"type\":\"ping\",\"id\":\"h\"}".getBytes(StandardCharsets.UTF_8);
    byte[] whole = WireFrames.frame(true, 0, WireFrames.TEXT, new byte[200], mask, WireFrames.Length.MINIMAL);
    switch (kind) {
      case SILENT_AFTER_UPGRADE -> { }
      case PARTIAL_HEADER -> ws.write(new byte[] {(byte) 0x81});
      case PARTIAL_LENGTH -> ws.write(new byte[] {(byte) 0x81, (byte) 0xFE, 0x01});
      case PARTIAL_MASK -> ws.write(new byte[] {(byte) 0x81, (byte) 0x85, mask[0], mask[1]});
      case HALF_PAYLOAD -> ws.write(java.util.Arrays.copyOf(whole, 60));
      case HALF_PAYLOAD_THEN_TCP_CLOSE -> {
        ws.write(java.util.Arrays.copyOf(whole, 60));
        ws.close();
        return;
      }
      case TCP_CLOSE_WITHOUT_CLOSE_FRAME -> {
        ws.write(WireFrames.masked(true, WireFrames.TEXT, ping, random));
        ws.close();
        return;
      }
      case TCP_RESET -> {
        ws.write(WireFrames.masked(true, WireFrames.TEXT, ping, random));
        ws.resetOnClose();
        ws.close();
        return;
      }
      case HALF_CLOSED_OUTPUT -> {
        ws.write(WireFrames.masked(true, WireFrames.TEXT, ping, random));
        ws.shutdownOutput();
      }
      case NEVER_READS -> {
        // asks for replies it never reads: pings, then WebSocket pings, until its buffers are full or it is cut
        for (int i = 0; i < 200; i++) {
          ws.write(WireFrames.masked(true, i % 2 == 0 ? WireFrames.TEXT : WireFrames.PING, ping, random));
        }
      }
      default -> throw new IllegalArgumentException(kind.name());
    }
    synchronized (this) {
      openWebSockets.add(ws);
    }
  }

  private Socket rawWrite(int port, String text) throws IOException {
    Socket socket = RawWebSocket.tcp(port);
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    return socket;
  }

  private synchronized void keep(Socket socket) {
    open.add(socket);
  }

  /** Closes every socket still open (without a close frame). */
  @Override
  public synchronized void close() {
    for (Socket socket : open) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // gone already
      }
    }
    openWebSockets.forEach(RawWebSocket::close);
    open.clear();
    openWebSockets.clear();
  }
}

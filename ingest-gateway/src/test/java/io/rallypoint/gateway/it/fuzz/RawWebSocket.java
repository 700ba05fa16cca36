package io.rallypoint.gateway.it.fuzz;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * A WebSocket client on a plain socket: it performs the upgrade itself and then writes whatever
 * bytes it is given (see {@link WireFrames}), so it can send what no client library would. A
 * virtual thread reads the server's frames (unless the connection is meant never to read) and
 * hands each text message, pong and close code to a {@link Listener}.
 */
public final class RawWebSocket implements AutoCloseable {

  /** What the server sent. Called on the reading thread, in arrival order. */
  public interface Listener {
    void onText(String text);

    void onPong(byte[] payload);

    /** The server's close frame (1005 when it carried no code). */
    void onClose(int code);

    /** The stream ended: after a close frame, or without one (EOF, reset: what a browser reports as 1006). */
    void onEnd(IOException error);
  }

  private static final int CONNECT_TIMEOUT_MS = 5_000;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();

  private RawWebSocket(Socket socket, InputStream in) throws IOException {
    this.socket = socket;
    this.in = in;
    this.out = socket.getOutputStream();
  }

  /** A TCP connection to the port and nothing else (no HTTP request is written). */
  public static Socket tcp(int port) throws IOException {
    Socket socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress("127.0.0.1", port), CONNECT_TIMEOUT_MS);
    return socket;
  }

  /**
   * Opens a WebSocket to {@code ws://127.0.0.1:port/ws} with a bearer token; throws when the
   * server does not answer 101. {@code receiveBuffer} > 0 shrinks the socket's receive buffer (a
   * reader that stalls fills it sooner).
   */
  public static RawWebSocket open(int port, String token, Random random, int receiveBuffer) throws IOException {
    Socket socket = new Socket();
    if (receiveBuffer > 0) {
      socket.setReceiveBufferSize(receiveBuffer);
    }
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress("127.0.0.1", port), CONNECT_TIMEOUT_MS);
    try {
      byte[] nonce = new byte[16];
      random.nextBytes(nonce);
      String request = "GET /ws HTTP/1.1\r\n"
          + "Host: 127.0.0.1:" + port + "\r\n"
          + "Upgrade: websocket\r\n"
          + "Connection: Upgrade\r\n"
          + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
          + "Sec-WebSocket-Version: 13\r\n"
          + "Authorization: Bearer " + token + "\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.setSoTimeout(15_000);
      InputStream in = new BufferedInputStream(socket.getInputStream());
      String head = readHead(in);
      if (!head.startsWith("HTTP/1.1 101")) {
        throw new IOException("upgrade refused: " + head.lines().findFirst().orElse(head));
      }
      socket.setSoTimeout(0);
      return new RawWebSocket(socket, in);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("the server closed during the upgrade after: " + head);
      }
      head.write(b);
      matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
      if (head.size() > 16_384) {
        throw new IOException("upgrade answer too long");
      }
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  /** Starts reading the server's frames on a virtual thread. */
  public RawWebSocket startReading(Listener listener) {
    Thread.ofVirtual().name("raw-ws-reader-" + socket.getLocalPort()).start(() -> readLoop(listener));
    return this;
  }

  private void readLoop(Listener listener) {
    ByteArrayOutputStream message = new ByteArrayOutputStream();
    int messageOpcode = -1;
    try {
      while (true) {
        WireFrames.ServerFrame frame = WireFrames.read(in);
        switch (frame.opcode()) {
          case WireFrames.PONG -> listener.onPong(frame.payload());
          case WireFrames.PING -> { } // the gateway never pings
          case WireFrames.CLOSE -> {
            closeCode.complete(frame.closeCode());
            listener.onClose(frame.closeCode());
          }
          default -> {
            if (frame.opcode() != WireFrames.CONTINUATION) {
              messageOpcode = frame.opcode();
              message.reset();
            }
            message.writeBytes(frame.payload());
            if (frame.fin()) {
              if (messageOpcode == WireFrames.TEXT) {
                listener.onText(message.toString(StandardCharsets.UTF_8));
              }
              message.reset();
            }
          }
        }
      }
    } catch (IOException e) {
      closeCode.complete(1006);
      listener.onEnd(e instanceof EOFException ? null : e);
    } finally {
      closeQuietly();
    }
  }

  /** Writes bytes as they are (whole frames, parts of frames, anything). */
  public void write(byte[] bytes) throws IOException {
    synchronized (out) {
      out.write(bytes);
    }
  }

  /** Writes a masked text frame. */
  public void sendText(String text, Random random) throws IOException {
    write(WireFrames.masked(true, WireFrames.TEXT, text.getBytes(StandardCharsets.UTF_8), random));
  }

  /** The server's close code once the connection ended (1006 when it ended without a close frame). */
  public CompletableFuture<Integer> closeCode() {
    return closeCode;
  }

  /** Reads and drops up to {@code max} bytes (a reader that only trickles); -1 at the end of the stream. */
  public int drain(int max) throws IOException {
    byte[] buffer = new byte[max];
    return in.read(buffer);
  }

  /** Makes {@link #close} reset the connection (RST) rather than end it (FIN). */
  public void resetOnClose() throws IOException {
    socket.setSoLinger(true, 0);
  }

  /** Half-closes the connection: the server sees the stream end, this side can still read. */
  public void shutdownOutput() throws IOException {
    socket.shutdownOutput();
  }

  public int localPort() {
    return socket.getLocalPort();
  }

  private void closeQuietly() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing a socket that is gone
    }
  }

  /** Closes the socket at once, without a close frame. */
  @Override
  public void close() {
    closeQuietly();
  }
}

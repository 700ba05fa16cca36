package io.rallypoint.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP proxy on 127.0.0.1 in front of a real server, for outage tests: {@link #cut()} drops every
 * connection and refuses new ones, as a network partition or a stopped server would;
 * {@link #restore()} lets connections through again.
 */
public final class TcpProxy implements AutoCloseable {

  /** The server of a URL such as {@code jdbc:postgresql://host:port/db?...}. */
  private static final Pattern HOST_PORT = Pattern.compile("//([^:/]+):(\\d+)/");

  private final ServerSocket server;
  private final String targetHost;
  private final int targetPort;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;

  private TcpProxy(ServerSocket server, String targetHost, int targetPort) {
    this.server = server;
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    Thread.ofVirtual().name("tcp-proxy-accept").start(this::acceptLoop);
  }

  /** A proxy on a free local port forwarding to {@code host:port}. */
  public static TcpProxy to(String host, int port) {
    try {
      return new TcpProxy(new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1")), host, port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A proxy in front of the server a URL names ({@code //host:port/}, e.g. a JDBC URL). */
  public static TcpProxy toServerOf(String url) {
    Matcher m = serverOf(url);
    return to(m.group(1), Integer.parseInt(m.group(2)));
  }

  /** The same URL, leading through this proxy instead of straight to its server. */
  public String via(String url) {
    return serverOf(url).replaceFirst(Matcher.quoteReplacement("//127.0.0.1:" + port() + "/"));
  }

  private static Matcher serverOf(String url) {
    Matcher m = HOST_PORT.matcher(url);
    if (!m.find()) {
      throw new IllegalArgumentException("no //host:port/ in " + url);
    }
    return m;
  }

  /** The local port clients should connect to. */
  public int port() {
    return server.getLocalPort();
  }

  /** Drops every open connection and refuses new ones until {@link #restore()}. */
  public void cut() {
    cut = true;
    for (Socket socket : open) {
      closeQuietly(socket);
    }
    open.clear();
  }

  /** Lets new connections through again. */
  public void restore() {
    cut = false;
  }

  @Override
  public void close() {
    cut();
    closeQuietly(server);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      if (cut) {
        closeQuietly(client);
        continue;
      }
      try {
        Socket upstream = new Socket(targetHost, targetPort);
        open.add(client);
        open.add(upstream);
        Thread.ofVirtual().start(() -> pump(client, upstream));
        Thread.ofVirtual().start(() -> pump(upstream, client));
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException ignored) {
      // one side went away: close both
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      open.remove(from);
      open.remove(to);
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // already closed
    }
  }
}

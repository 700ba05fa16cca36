package io.rallypoint.gateway.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every command the Redis server at a {@code redis://host:port[/db]} URL runs, as {@code MONITOR}
 * reports them (commands run inside Lua scripts included), read on a socket of its own.
 */
final class RedisMonitor implements AutoCloseable {

  private final Socket socket;
  private final BufferedReader in;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private RedisMonitor(Socket socket, BufferedReader in) {
    this.socket = socket;
    this.in = in;
    this.reader = Thread.ofPlatform().daemon().name("redis-monitor").start(this::read);
  }

  /** Starts monitoring; returns once the server has said {@code OK}, so no later command is missed. */
  static RedisMonitor start(String redisUrl) {
    URI uri = URI.create(redisUrl);
    try {
      Socket socket = new Socket(uri.getHost(), uri.getPort());
      socket.getOutputStream().write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String ok = in.readLine();
      if (!"+OK".equals(ok)) {
        socket.close();
        throw new IllegalStateException("MONITOR refused: " + ok);
      }
      return new RedisMonitor(socket, in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void read() {
    try {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lines.add(line);
      }
    } catch (IOException e) {
      // the socket was closed: monitoring is over
    }
  }

  /** Whether a command naming {@code text} has been seen. */
  boolean saw(String text) {
    return lines.stream().anyMatch(l -> l.contains(text));
  }

  /**
   * The commands seen so far that name any of {@code ids} (a key, channel or argument containing
   * it), each as its words without the time and client: {@code "SADD" "key" "member"}.
   */
  List<String> commandsNaming(String... ids) {
    return lines.stream()
        .filter(l -> Arrays.stream(ids).anyMatch(l::contains))
        .map(l -> l.substring(l.indexOf("] ") + 2))
        .toList();
  }

  /** The command names of {@code commands}, sorted: what is compared across setups whose ids differ. */
  static List<String> names(List<String> commands) {
    return commands.stream().map(c -> c.substring(0, c.indexOf(' ') < 0 ? c.length() : c.indexOf(' ')))
        .sorted().toList();
  }

  @Override
  public void close() {
    try {
      socket.close();
      reader.join(5_000);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package io.rallypoint.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Ports on 127.0.0.1 that nobody listens on right now, for servers that cannot bind port 0 and
 * report back (a KRaft controller whose address goes into the quorum, PostgreSQL, redis-server).
 * All the ports asked for at once are held open together until every one is chosen, so one call
 * never hands out the same port twice, and none of them equals a port the caller already uses.
 * Another process can still take a port before the server binds it: callers that choose ports
 * this way retry with fresh ones when the bind fails (see {@link #retryingBind}).
 */
public final class FreePorts {

  private static final String HOST = "127.0.0.1";
  /** How many times a server whose port was chosen here is started on fresh ports when its bind fails. */
  static final int ATTEMPTS = 3;

  private FreePorts() {
  }

  /** {@code count} distinct free ports, none of them in {@code inUse}. */
  public static int[] distinct(int count, int... inUse) {
    Set<Integer> avoid = Arrays.stream(inUse).boxed().collect(Collectors.toSet());
    List<ServerSocket> held = new ArrayList<>();
    try {
      int[] ports = new int[count];
      int found = 0;
      while (found < count) {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST));
        held.add(socket);
        if (!avoid.contains(socket.getLocalPort())) {
          ports[found++] = socket.getLocalPort();
        }
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + HOST, e);
    } finally {
      for (ServerSocket socket : held) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // the port is free again either way
        }
      }
    }
  }

  /** One free port, not one of {@code inUse}. */
  public static int one(int... inUse) {
    return distinct(1, inUse)[0];
  }

  /** Starts a server on a port of its choosing; {@link #retryingBind} tries again on another port. */
  @FunctionalInterface
  public interface OnPort<T> {
    T start(int port);
  }

  /**
   * Starts a server on a free port, and on fresh ports again (up to {@value #ATTEMPTS} times in
   * all) when the start fails, since the failure may be another process binding the chosen port
   * first; the last failure is thrown.
   */
  public static <T> T retryingBind(OnPort<T> server) {
    RuntimeException last = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        return server.start(one());
      } catch (RuntimeException e) {
        last = e;
      }
    }
    throw last;
  }
}

package io.rallypoint.gateway.it.fuzz;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One fuzz slot: a user who keeps one raw WebSocket open at a time, writes fuzz frames on it, and
 * reconnects whenever the gateway closes it. Each connection is a session with its own
 * {@link ReplyLedger}; when the run stops, the last one waits for every reply it is owed before it
 * closes. How it sends depends on its {@link Role}.
 */
final class FuzzConnection implements Runnable {

  /** How a slot sends. */
  enum Role {
    /** Every kind of non-fatal frame at the user's sustained pace: most are admitted and reach the frame's step. */
    PACED,
    /** Non-fatal frames far over the rate limit: mostly refused; closed 1008 when nothing is admitted for the abuse window. */
    FLOOD,
    /** A few frames, every reply awaited, then one fatal frame: the close code must be the one it justifies. */
    BREAKER
  }

  /** The abuse rule of the gateway under test (PROTOCOL 1.7). */
  record AbuseRule(int closeAfter, Duration window) {}

  private static final Duration REPLIES_WITHIN = Duration.ofSeconds(30);
  private static final double PACED_PER_SECOND = 12;
  private static final double BREAKER_PER_SECOND = 20;
  /**
   * The most replies a connection may be owed before it writes more: the fuzzers follow the nodes'
   * pace, so a node the machine gives little CPU gets fewer frames, not a backlog that the members'
   * messages queue behind.
   */
  private static final int MAX_OWED = 128;

  private final int slot;
  private final Role role;
  private final int port;
  private final String token;
  private final FrameMutator.Target target;
  private final Random random;
  private final FuzzStats stats;
  private final AbuseRule abuse;
  private final BooleanSupplier stopped;
  private final double floodFramesPerSecond;
  private int session;

  FuzzConnection(int slot, Role role, int port, String token, FrameMutator.Target target, long seed, FuzzStats stats,
      AbuseRule abuse, BooleanSupplier stopped, double floodFramesPerSecond) {
    this.slot = slot;
    this.role = role;
    this.port = port;
    this.token = token;
    this.target = target;
    this.random = new Random(seed);
    this.stats = stats;
    this.abuse = abuse;
    this.stopped = stopped;
    this.floodFramesPerSecond = floodFramesPerSecond;
  }

  @Override
  public void run() {
    while (!stopped.getAsBoolean()) {
      try {
        session();
      } catch (RuntimeException | AssertionError e) {
        stats.violation(name() + ": " + e);
        return;
      }
    }
  }

  private String name() {
    return "slot " + slot + " (" + role + ", " + target.user() + ") session " + session;
  }

  private void session() {
    session++;
    String name = name();
    ReplyLedger ledger = new ReplyLedger(name, stats::violation);
    FrameMutator mutator = new FrameMutator(random, target, slot + "." + session + ".");
    RawWebSocket socket;
    try {
      socket = RawWebSocket.open(port, token, random, 0).startReading(new Listener(ledger));
    } catch (IOException e) {
      stats.violation(name + ": a new connection was not accepted: " + e);
      stats.ended(ledger, "not accepted");
      return;
    }
    try (socket) {
      int count = role == Role.BREAKER ? 5 + random.nextInt(40) : Integer.MAX_VALUE;
      double perSecond = switch (role) {
        case PACED -> PACED_PER_SECOND;
        case FLOOD -> floodFramesPerSecond;
        case BREAKER -> BREAKER_PER_SECOND;
      };
      if (!send(socket, ledger, mutator, perSecond, count)) {
        judgeClose(ledger);
      } else if (awaitReplies(ledger)) {
        if (role == Role.BREAKER && !stopped.getAsBoolean()) {
          breakWith(socket, ledger, mutator.fatal());
        } else {
          stats.ended(ledger, "open until the end");
        }
      }
    }
  }

  /**
   * Writes frames at {@code perSecond} WebSocket frames a second until {@code count} were written
   * or the run stops; false when the gateway closed the connection meanwhile.
   */
  private boolean send(RawWebSocket socket, ReplyLedger ledger, FrameMutator mutator, double perSecond, int count) {
    long nanosPerFrame = (long) (1e9 / perSecond);
    long next = System.nanoTime();
    for (int i = 0; i < count && !stopped.getAsBoolean(); i++) {
      FrameMutator.FuzzFrame frame = role == Role.PACED && random.nextInt(3) == 0 ? mutator.valid() : mutator.next();
      try {
        ledger.awaitOwedBelow(MAX_OWED, REPLIES_WITHIN.toNanos());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return !ledger.isClosed();
      }
      if (ledger.isClosed() || !write(socket, ledger, frame)) {
        return false;
      }
      next += nanosPerFrame * frame.frames();
      long ahead = next - System.nanoTime();
      if (ahead > 0) {
        LockSupport.parkNanos(ahead); // the client's pace, not a wait for the gateway
      } else if (ahead < -1_000_000_000L) {
        next = System.nanoTime(); // fell behind (the gateway reads slower): no catch-up burst
      }
    }
    return !ledger.isClosed();
  }

  /** Writes one fuzz frame; false when the socket is gone (the reader reports how it ended). */
  private boolean write(RawWebSocket socket, ReplyLedger ledger, FrameMutator.FuzzFrame frame) {
    ledger.sending(frame, System.nanoTime());
    try {
      socket.write(frame.wire());
      stats.wrote(frame);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** With every reply owed so far in, writes the fatal frame and checks the close it brings. */
  private void breakWith(RawWebSocket socket, ReplyLedger ledger, FrameMutator.FuzzFrame fatal) {
    write(socket, ledger, fatal);
    try {
      int code = socket.closeCode().get(REPLIES_WITHIN.toSeconds(), TimeUnit.SECONDS);
      if (!fatal.closeCodes().contains(code)) {
        stats.violation(ledger.name() + ": after " + fatal.mutation() + " the gateway closed with " + code
            + ", not " + fatal.closeCodes());
      }
      stats.ended(ledger, fatal.mutation() + " -> " + code);
    } catch (TimeoutException e) {
      stats.violation(ledger.name() + ": the gateway did not close the connection within " + REPLIES_WITHIN
          + " after " + fatal.mutation());
      stats.ended(ledger, fatal.mutation() + " -> still open");
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Waits until every id sent so far has its reply and every ping its pong; true when they all came
   * on an open connection. A close meanwhile is judged; a reply missing past the time is a violation.
   */
  private boolean awaitReplies(ReplyLedger ledger) {
    try {
      await().atMost(REPLIES_WITHIN).pollInterval(Duration.ofMillis(20))
          .until(() -> ledger.isClosed() || ledger.unanswered().isEmpty() && ledger.allPonged());
    } catch (ConditionTimeoutException e) {
      List<String> missing = ledger.unanswered();
      stats.violation(ledger.name() + ": no reply within " + REPLIES_WITHIN + " to " + missing.size() + " ids, e.g. "
          + missing.subList(0, Math.min(5, missing.size())) + (ledger.allPonged() ? "" : "; pongs missing too"));
      stats.ended(ledger, "replies missing");
      return false;
    }
    if (ledger.isClosed()) {
      judgeClose(ledger);
      return false;
    }
    return true;
  }

  /** The gateway closed a connection that sent nothing fatal: only sustained abuse justifies that. */
  private void judgeClose(ReplyLedger ledger) {
    await().atMost(REPLIES_WITHIN).until(ledger::isClosed);
    int code = ledger.closeCode();
    boolean abusive = ledger.showsAbuse(abuse.closeAfter(), abuse.window().toNanos());
    if ((code == 1008 || code == 1006) && abusive) {
      stats.ended(ledger, "closed " + code + " after sustained abuse");
    } else {
      stats.violation(ledger.name() + ": closed with " + code + " although it sent nothing fatal"
          + (abusive ? "" : " and its replies show no sustained abuse (>= " + abuse.closeAfter()
              + " refusals over " + abuse.window() + " with nothing admitted)"));
      stats.ended(ledger, "closed " + code + " unjustified");
    }
  }

  /** Hands what the gateway sends to the session's ledger. */
  private record Listener(ReplyLedger ledger) implements RawWebSocket.Listener {
    @Override
    public void onText(String text) {
      ledger.received(text);
    }

    @Override
    public void onPong(byte[] payload) {
      ledger.pong();
    }

    @Override
    public void onClose(int code) {
      ledger.closed(code, System.nanoTime());
    }

    @Override
    public void onEnd(IOException error) {
      ledger.closed(1006, System.nanoTime());
    }
  }
}

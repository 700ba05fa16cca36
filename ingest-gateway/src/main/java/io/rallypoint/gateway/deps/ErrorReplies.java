package io.rallypoint.gateway.deps;

import io.rallypoint.gateway.connection.Connection;
import io.rallypoint.schemas.frame.ErrorCode;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a failed dependency call into the {@code unavailable} reply PROTOCOL promises, and a
 * non-member into {@code forbidden}. One per node: it logs at most one refusal a second, since an
 * outage or an overload refuses thousands a second and writing each would add to the load
 * ({@code rallypoint.gateway.errors{code="unavailable"}} counts them all).
 */
public final class ErrorReplies {

  /**
   * The {@code retryAfterMs} of an {@code unavailable} error, a fixed hint: whether a dependency did
   * not answer or the node is overloaded, a second is the soonest a retry is worth it; a client that
   * keeps getting {@code unavailable} backs off from there (PROTOCOL 1.5).
   */
  public static final long UNAVAILABLE_RETRY_AFTER_MS = 1_000;

  private static final Logger LOG = LoggerFactory.getLogger(ErrorReplies.class);
  private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final LongSupplier nanoClock;
  private final AtomicLong nextLogAt;
  private final AtomicLong notLogged = new AtomicLong();

  public ErrorReplies(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    this.nextLogAt = new AtomicLong(nanoClock.getAsLong());
  }

  /** Replies {@code unavailable}: {@code what} (e.g. "the message") was not accepted; the client retries it. */
  public void unavailable(Connection connection, String requestId, String what, Throwable error) {
    Throwable cause = unwrap(error);
    String dependency = cause instanceof DependencyDown down ? down.dependency() : "a dependency";
    logRefusal(what, connection.user(), cause);
    connection.error(requestId, ErrorCode.UNAVAILABLE,
        what + " was not accepted (" + dependency + " is unavailable); retry it", UNAVAILABLE_RETRY_AFTER_MS);
  }

  /** Replies {@code forbidden}: the user is not a member of the conversation. */
  public void forbidden(Connection connection, String requestId, String conversation) {
    connection.error(requestId, ErrorCode.FORBIDDEN, "you are not a member of conversation " + conversation);
  }

  /** Refusals not logged since the last line (they are counted in the next one). */
  long notLogged() {
    return notLogged.get();
  }

  private void logRefusal(String what, String user, Throwable cause) {
    long now = nanoClock.getAsLong();
    long due = nextLogAt.get();
    if (now - due < 0 || !nextLogAt.compareAndSet(due, now + LOG_INTERVAL_NANOS)) {
      notLogged.incrementAndGet();
      return;
    }
    long skipped = notLogged.getAndSet(0);
    LOG.warn("{} for user {} not accepted: {}{}", what, user, cause.toString(),
        skipped == 0 ? "" : " (" + skipped + " more refused since the last line, not logged)");
  }

  /** The cause a {@link java.util.concurrent.CompletableFuture} wrapped. */
  public static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}

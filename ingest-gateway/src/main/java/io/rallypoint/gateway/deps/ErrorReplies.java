package io.rallypoint.gateway.deps;

import io.rallypoint.gateway.connection.Connection;
import io.rallypoint.schemas.frame.ErrorCode;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns a failed dependency call into the {@code unavailable} reply PROTOCOL promises. */
public final class ErrorReplies {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorReplies.class);
  /**
   * At most one refusal a second is logged: an outage or an overload refuses thousands a second,
   * and writing each would add to the load. {@code rallypoint.gateway.errors{code="unavailable"}}
   * counts them all.
   */
  private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final AtomicLong nextLogAt = new AtomicLong(System.nanoTime());
  private static final AtomicLong notLogged = new AtomicLong();

  private ErrorReplies() {}

  public static void unavailable(Connection connection, String requestId, String what, Throwable error) {
    Throwable cause = unwrap(error);
    String dependency = cause instanceof DependencyDown down ? down.dependency() : "a dependency";
    logRefusal(what, connection.user(), cause);
    connection.error(requestId, ErrorCode.UNAVAILABLE,
        what + " was not accepted (" + dependency + " is unavailable); retry it");
  }

  public static void forbidden(Connection connection, String requestId, String conversation) {
    connection.error(requestId, ErrorCode.FORBIDDEN, "you are not a member of conversation " + conversation);
  }

  private static void logRefusal(String what, String user, Throwable cause) {
    long now = System.nanoTime();
    long due = nextLogAt.get();
    if (now - due < 0 || !nextLogAt.compareAndSet(due, now + LOG_INTERVAL_NANOS)) {
      notLogged.incrementAndGet();
      return;
    }
    long skipped = notLogged.getAndSet(0);
    LOG.warn("{} for user {} not accepted: {}{}", what, user, cause.toString(),
        skipped == 0 ? "" : " (" + skipped + " more refused since the last line, not logged)");
  }

  public static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}

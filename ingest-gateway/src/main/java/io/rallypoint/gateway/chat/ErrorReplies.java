package io.rallypoint.gateway.chat;

import io.rallypoint.gateway.ws.Connection;
import io.rallypoint.schemas.frame.ErrorCode;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns a failed dependency call into the {@code unavailable} reply PROTOCOL promises. */
public final class ErrorReplies {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorReplies.class);

  private ErrorReplies() {}

  public static void unavailable(Connection connection, String requestId, String what, Throwable error) {
    Throwable cause = unwrap(error);
    String dependency = cause instanceof DependencyDown down ? down.dependency() : "a dependency";
    LOG.warn("{} for user {} not accepted: {}", what, connection.user(), cause.toString());
    connection.error(requestId, ErrorCode.UNAVAILABLE,
        what + " was not accepted (" + dependency + " is unavailable); retry it");
  }

  public static void forbidden(Connection connection, String requestId, String conversation) {
    connection.error(requestId, ErrorCode.FORBIDDEN, "you are not a member of conversation " + conversation);
  }

  public static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}

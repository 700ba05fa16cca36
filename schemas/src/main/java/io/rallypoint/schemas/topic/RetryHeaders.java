package io.rallypoint.schemas.topic;

/**
 * Header names on records in {@code chat.messages.retry.N} and {@code chat.messages.dlq}; values
 * are UTF-8 strings. Part of the contract with analytics consumers and ops tools.
 */
public final class RetryHeaders {

  /** Which attempt this is: 1 on {@code retry.1}, and so on; on the DLQ, the attempts made. */
  public static final String ATTEMPT = "rallypoint.attempt";
  /** The error that sent the record here, for a person. */
  public static final String ERROR = "rallypoint.error";
  /** The error's class or SQLSTATE, for grouping. */
  public static final String ERROR_KIND = "rallypoint.error.kind";
  /** When the retry is due: an ISO-8601 instant. */
  public static final String DUE_AT = "rallypoint.due-at";
  /** When the record was first refused (or found unreadable): an ISO-8601 instant, kept on every later hop. */
  public static final String FIRST_FAILED_AT = "rallypoint.first-failed-at";
  /** Where the record was first read. */
  public static final String ORIGINAL_TOPIC = "rallypoint.original.topic";
  public static final String ORIGINAL_PARTITION = "rallypoint.original.partition";
  public static final String ORIGINAL_OFFSET = "rallypoint.original.offset";

  private RetryHeaders() {}
}

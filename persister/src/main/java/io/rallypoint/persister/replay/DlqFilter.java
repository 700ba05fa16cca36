package io.rallypoint.persister.replay;

import java.time.Instant;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Which dead letters an operator means: every condition given must hold; a {@code null} one is no
 * condition. {@code since} is inclusive and {@code until} exclusive, both on
 * {@link DeadLetter#failedAt()} (the first-failed-at header, else the record's timestamp).
 */
public record DlqFilter(String conversation, String errorContains, String errorKind, Instant since, Instant until)
    implements Predicate<DeadLetter> {

  public static final DlqFilter ALL = new DlqFilter(null, null, null, null, null);

  public DlqFilter {
    if (since != null && until != null && !since.isBefore(until)) {
      throw new IllegalArgumentException("--since " + since + " is not before --until " + until);
    }
  }

  /** By conversation and error text only. */
  public DlqFilter(String conversation, String errorContains) {
    this(conversation, errorContains, null, null, null);
  }

  public boolean isAll() {
    return equals(ALL);
  }

  @Override
  public boolean test(DeadLetter letter) {
    return (conversation == null || letter.conversation().filter(conversation::equals).isPresent())
        && (errorContains == null || letter.error().filter(e -> e.contains(errorContains)).isPresent())
        && (errorKind == null || letter.errorKind().filter(errorKind::equals).isPresent())
        && (since == null || !letter.failedAt().isBefore(since))
        && (until == null || letter.failedAt().isBefore(until));
  }

  @Override
  public String toString() {
    if (isAll()) {
      return "all";
    }
    StringBuilder s = new StringBuilder();
    append(s, "conversation", conversation);
    append(s, "error contains", errorContains);
    append(s, "error kind", errorKind);
    append(s, "since", since);
    append(s, "until", until);
    return s.toString();
  }

  private static void append(StringBuilder s, String name, Object value) {
    if (value != null) {
      s.append(s.isEmpty() ? "" : ", ").append(name).append(' ').append(Objects.toString(value));
    }
  }
}

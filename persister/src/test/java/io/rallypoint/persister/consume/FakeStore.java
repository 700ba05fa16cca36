package io.rallypoint.persister.consume;

import io.rallypoint.persister.write.BatchStore;
import io.rallypoint.persister.write.FailureKind;
import io.rallypoint.persister.write.Gap;
import io.rallypoint.persister.write.Rejected;
import io.rallypoint.persister.write.WriteFailure;
import io.rallypoint.persister.write.WriteResult;
import io.rallypoint.schemas.event.ReceiptEvent;
import io.rallypoint.schemas.frame.ChatMessage;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * PostgreSQL as the loops see it: stores what it is given (a message id once), refuses the
 * messages a test calls poison for their content, fails a write when told, and can hold a write
 * until the test lets it finish. Every write goes into the {@link Journal}:
 * {@code write a b} when it begins, then {@code stored a b}, {@code refused b} or {@code failed a b}.
 */
final class FakeStore implements BatchStore {

  private static final long HOLD_LIMIT_SECONDS = 10;

  private final Journal journal;
  private final Set<String> poison = ConcurrentHashMap.newKeySet();
  private final Map<String, FailureKind> failOnce = new ConcurrentHashMap<>();
  private final Set<String> storedIds = new HashSet<>();
  private volatile CountDownLatch hold;

  FakeStore(Journal journal) {
    this.journal = journal;
  }

  /** PostgreSQL refuses the message with this body for its content, every time. */
  void refuse(String body) {
    poison.add(body);
  }

  /** The next write that holds the message with this body fails as a whole, with {@code kind}. */
  void failOnce(String body, FailureKind kind) {
    failOnce.put(body, kind);
  }

  /** The next write begins (and is journaled) but does not finish until the returned latch is counted down. */
  CountDownLatch holdNextWrite() {
    CountDownLatch latch = new CountDownLatch(1);
    hold = latch;
    return latch;
  }

  @Override
  public WriteResult write(List<ChatMessage> messages, List<ReceiptEvent> receipts, List<Gap> gaps)
      throws WriteFailure {
    CountDownLatch held = hold; // taken before the write shows in the journal: a test may hold the next one then
    hold = null;
    journal.add("write " + describe(messages, receipts, gaps));
    if (held != null) {
      awaitRelease(held);
    }
    for (ChatMessage m : messages) {
      FailureKind kind = failOnce.remove(m.body());
      if (kind != null) {
        journal.add("failed " + bodies(messages));
        throw new WriteFailure(kind, new SQLException("the database system is shutting down", "57P03"));
      }
    }
    List<Rejected> rejected = new ArrayList<>();
    List<ChatMessage> kept = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      ChatMessage m = messages.get(i);
      if (poison.contains(m.body())) {
        rejected.add(new Rejected(i, m, new SQLException(
            "insert or update on table \"messages\" violates foreign key constraint", "23503")));
      } else {
        kept.add(m);
      }
    }
    if (!rejected.isEmpty()) {
      journal.add("refused " + bodies(rejected.stream().map(Rejected::message).toList()));
    }
    int inserted;
    synchronized (storedIds) {
      inserted = (int) kept.stream().filter(m -> storedIds.add(m.messageId())).count();
    }
    journal.add("stored " + describe(kept, receipts, gaps));
    return new WriteResult(inserted, receipts.size(), rejected);
  }

  @Override
  public void recordGaps(List<Gap> gaps) {
    journal.add("gaps " + gaps(gaps));
  }

  private static void awaitRelease(CountDownLatch held) {
    try {
      if (!held.await(HOLD_LIMIT_SECONDS, TimeUnit.SECONDS)) {
        throw new AssertionError("a held write was never let go");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String describe(List<ChatMessage> messages, List<ReceiptEvent> receipts, List<Gap> gaps) {
    if (messages.isEmpty() && receipts.isEmpty() && gaps.isEmpty()) {
      return "nothing";
    }
    return Stream.of(bodies(messages),
            receipts.isEmpty() ? "" : "+ receipts " + receipts.stream()
                .map(r -> r.user() + "@" + r.seq()).sorted().collect(Collectors.joining(" ")),
            gaps.isEmpty() ? "" : "+ gaps " + gaps(gaps))
        .filter(s -> !s.isEmpty()).collect(Collectors.joining(" "));
  }

  /** Bodies in alphabetical order: the order of partitions within a poll is not the loops' to keep. */
  private static String bodies(List<ChatMessage> messages) {
    return messages.stream().map(ChatMessage::body).sorted().collect(Collectors.joining(" "));
  }

  private static String gaps(List<Gap> gaps) {
    return gaps.stream().map(g -> g.conversation() + "#" + g.seq()).sorted().collect(Collectors.joining(" "));
  }
}

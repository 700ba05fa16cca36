package io.rallypoint.gateway.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.rallypoint.gateway.store.ChatStore.Recent;
import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.frame.SyncFrame;
import io.rallypoint.schemas.frame.SyncReplyFrame;
import io.rallypoint.schemas.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class SyncPlannerTest {

  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

  private static ChatMessage m(long seq) {
    return new ChatMessage("c", "id-" + seq, seq, "ana", "cm-" + seq, "hi " + seq, Json.object(), T0.plusSeconds(seq));
  }

  private static List<ChatMessage> range(long from, long to) {
    return LongStream.rangeClosed(from, to).mapToObj(SyncPlannerTest::m).toList();
  }

  /** A page with no PostgreSQL row limit in play and no acked holes. */
  private static SyncReplyFrame page(SyncFrame request, long head, List<ChatMessage> known) {
    return SyncPlanner.draft(request, head, known, Long.MAX_VALUE).page(Set.of(), Set.of());
  }

  private static List<ChatMessage> concat(List<ChatMessage> a, List<ChatMessage> b) {
    List<ChatMessage> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static List<Long> seqs(SyncReplyFrame page) {
    return page.messages().stream().map(ChatMessage::seq).toList();
  }

  @Test
  void anEmptyPageAtTheTipGivesTheLastMessagesSentAtNotTheCurrentTime() {
    // Given a conversation whose last message is 5, and a client that holds it
    SyncReplyFrame page = page(new SyncFrame("r", "c", 5L, null, null), 5, range(1, 5));

    // Then the page is empty and its syncedAt is message 5's sentAt: a send stamped before this
    // sync but given seq 6 after it has a later sentAt than message 5, so a client passing syncedAt
    // as its next lastSyncedAt still gets it (with the current time it could be skipped for good)
    assertThat(page.messages()).isEmpty();
    assertThat(page.lastSeq()).isEqualTo(5);
    assertThat(page.syncedAt()).isEqualTo(m(5).sentAt());
    assertThat(page(new SyncFrame("r", "c", null, page.syncedAt(), null), 6, range(1, 6)).messages())
        .extracting(ChatMessage::seq).containsExactly(6L);
  }

  @Test
  void anEmptyConversationGivesTheEpochSoItsFirstMessageIsNotSkipped() {
    // Given a conversation without messages yet (its first send may be in flight)
    SyncReplyFrame page = page(new SyncFrame("r", "c", 0L, null, null), 0, List.of());

    // Then syncedAt is the epoch: whatever sentAt the first message gets, it comes after it
    assertThat(page.messages()).isEmpty();
    assertThat(page.syncedAt()).isEqualTo(Instant.EPOCH);
    assertThat(page(new SyncFrame("r", "c", null, null, null), 0, List.of()).syncedAt()).isEqualTo(Instant.EPOCH);
  }

  @Test
  void theCacheCoversAnAfterSeqItReachesBackTo() {
    Recent cache = new Recent(120, range(71, 120));

    assertThat(SyncPlanner.cacheCovers(new SyncFrame("r", "c", 70L, null, null), cache)).isTrue();
    assertThat(SyncPlanner.cacheCovers(new SyncFrame("r", "c", 130L, null, null), cache)).isTrue();
    assertThat(SyncPlanner.cacheCovers(new SyncFrame("r", "c", 69L, null, null), cache)).isFalse();
    assertThat(SyncPlanner.cacheCovers(new SyncFrame("r", "c", 0L, null, null), new Recent(0, List.of()))).isFalse();
    assertThat(SyncPlanner.cacheCovers(new SyncFrame("r", "c", 0L, null, null), new Recent(3, range(1, 3)))).isTrue();
  }

  @Test
  void afterSeqWinsOverLastSyncedAtAndPagesForward() {
    // Given 120 messages, 1..60 persisted and 71..120 cached (61..70 persisted too)
    List<ChatMessage> known = new ArrayList<>(range(1, 70));
    known.addAll(range(71, 120));
    SyncFrame request = new SyncFrame("r1", "c", 10L, T0.plusSeconds(100), 50);

    SyncReplyFrame page = page(request, 120, known);

    assertThat(seqs(page)).isEqualTo(LongStream.rangeClosed(11, 60).boxed().toList());
    assertThat(page.hasMore()).isTrue();
    assertThat(page.lastSeq()).isEqualTo(60);
    assertThat(page.syncedAt()).isEqualTo(m(60).sentAt());
    assertThat(page.id()).isEqualTo("r1");
  }

  @Test
  void aCursorPastTheLastSeqAnswersTheLastSeqSoNothingToComeIsSkipped() {
    // Given a conversation whose last seq is 40, and a client that claims to hold up to 50
    SyncFrame request = new SyncFrame("r", "c", 50L, null, 100);

    SyncReplyFrame page = page(request, 40, range(1, 40));

    // Then the page is empty and its lastSeq is 40: the next sync by it gets seqs 41..50 when they come
    assertThat(page.messages()).isEmpty();
    assertThat(page.lastSeq()).isEqualTo(40);
    assertThat(page.hasMore()).isFalse();
  }

  @Test
  void cachedButUnpersistedMessagesAreMergedInSeqOrderWithoutDuplicates() {
    // Given PostgreSQL holds 1..30 and the cache 21..50 (21..30 in both)
    List<ChatMessage> known = new ArrayList<>(range(21, 50));
    known.addAll(range(1, 30));

    SyncReplyFrame page = page(new SyncFrame(null, "c", 0L, null, 100), 50, known);

    assertThat(seqs(page)).isEqualTo(LongStream.rangeClosed(1, 50).boxed().toList());
    assertThat(page.hasMore()).isFalse();
    assertThat(page.lastSeq()).isEqualTo(50);
  }

  @Test
  void lastSyncedAtReturnsMessagesSentStrictlyAfterIt() {
    SyncReplyFrame page = page(new SyncFrame(null, "c", null, m(5).sentAt(), null), 8, range(1, 8));

    assertThat(seqs(page)).containsExactly(6L, 7L, 8L);
    assertThat(page.syncedAt()).isEqualTo(m(8).sentAt());
  }

  @Test
  void neitherCursorGivesTheLatestPage() {
    SyncReplyFrame page = page(new SyncFrame(null, "c", null, null, 3), 8, range(1, 8));

    assertThat(seqs(page)).containsExactly(6L, 7L, 8L);
    assertThat(page.hasMore()).isFalse();
    assertThat(SyncPlanner.cacheCovers(new SyncFrame(null, "c", null, null, 3), new Recent(8, range(4, 8)))).isTrue();
    assertThat(SyncPlanner.cacheCovers(new SyncFrame(null, "c", null, null, 100), new Recent(80, range(31, 80)))).isFalse();
  }

  @Test
  void anEmptyPageKeepsTheCursors() {
    SyncReplyFrame afterSeq = page(new SyncFrame(null, "c", 8L, null, null), 8, range(1, 8));
    SyncReplyFrame afterTime = page(new SyncFrame(null, "c", null, m(8).sentAt(), null), 8, range(1, 8));

    assertThat(afterSeq.messages()).isEmpty();
    assertThat(afterSeq.lastSeq()).isEqualTo(8);
    assertThat(afterSeq.hasMore()).isFalse();
    assertThat(afterTime.messages()).isEmpty();
    assertThat(afterTime.lastSeq()).isEqualTo(8);
    assertThat(afterTime.syncedAt()).isEqualTo(m(8).sentAt());
  }

  @Test
  void anAckedSeqInNeitherStoreEndsThePageJustBeforeIt() {
    // Given the persister lags: PostgreSQL has 1..5, the cache 11..60, and 6..10 were acked
    List<ChatMessage> known = concat(range(1, 5), range(11, 60));
    SyncFrame request = new SyncFrame("r", "c", 0L, null, 100);

    SyncPlanner.Draft draft = SyncPlanner.draft(request, 60, known, Long.MAX_VALUE);
    SyncReplyFrame page = draft.page(Set.of(6L, 7L, 8L, 9L, 10L), Set.of());

    // Then the page stops at the hole instead of jumping to 11
    assertThat(draft.holes()).containsExactly(6L, 7L, 8L, 9L, 10L);
    assertThat(seqs(page)).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(page.hasMore()).isTrue();
    assertThat(page.lastSeq()).isEqualTo(5);
    assertThat(page.syncedAt()).isEqualTo(m(5).sentAt());

    // And the next page, still before the persister caught up, is empty and keeps the position
    SyncReplyFrame waiting = SyncPlanner.draft(new SyncFrame("r", "c", 5L, null, 100), 60, known, Long.MAX_VALUE)
        .page(Set.of(6L, 7L, 8L, 9L, 10L), Set.of());
    assertThat(waiting.messages()).isEmpty();
    assertThat(waiting.hasMore()).isTrue();
    assertThat(waiting.lastSeq()).isEqualTo(5);
    assertThat(waiting.syncedAt()).isEqualTo(m(5).sentAt());
  }

  @Test
  void aSeqThatWasNeverAckedIsSkippedSoItCannotStallSync() {
    // Given seq 7 was assigned but Kafka never took it (the client gave up), and 51 messages followed
    List<ChatMessage> known = concat(range(1, 6), range(8, 58));
    SyncFrame request = new SyncFrame("r", "c", 0L, null, 100);

    SyncPlanner.Draft draft = SyncPlanner.draft(request, 58, known, Long.MAX_VALUE);
    SyncReplyFrame page = draft.page(Set.of(), Set.of());

    assertThat(draft.holes()).containsExactly(7L);
    assertThat(seqs(page)).doesNotContain(7L).hasSize(57).endsWith(58L);
    assertThat(page.hasMore()).isFalse();
    assertThat(page.lastSeq()).isEqualTo(58);
  }

  @Test
  void anAckedSeqThatWillNeverBeStoredIsSkippedOnceThePersisterRecordedItsGap() {
    // Given seq 6 was acked, then dead-lettered by the persister (a gap), and 54 messages followed
    List<ChatMessage> known = concat(range(1, 5), range(7, 60));
    SyncFrame request = new SyncFrame("r", "c", 5L, null, 100);

    SyncPlanner.Draft draft = SyncPlanner.draft(request, 60, known, Long.MAX_VALUE);
    SyncReplyFrame page = draft.page(Set.of(6L), Set.of(6L));

    // Then a client waiting at 5 gets everything after the gap, and the conversation's end
    assertThat(draft.holes()).containsExactly(6L);
    assertThat(seqs(page)).isEqualTo(LongStream.rangeClosed(7, 60).boxed().toList());
    assertThat(page.hasMore()).isFalse();
    assertThat(page.lastSeq()).isEqualTo(60);
    assertThat(page.syncedAt()).isEqualTo(m(60).sentAt());
  }

  @Test
  void aGapDoesNotLetThePageJumpOverTheAckedHolesAfterIt() {
    // Given 8 is a gap, but 9 and 10 were acked and the persister has not written them yet
    List<ChatMessage> known = concat(range(1, 7), range(11, 60));
    SyncFrame request = new SyncFrame("r", "c", 0L, null, 100);

    SyncPlanner.Draft draft = SyncPlanner.draft(request, 60, known, Long.MAX_VALUE);
    SyncReplyFrame page = draft.page(Set.of(8L, 9L, 10L), Set.of(8L));

    // Then the page passes 8 and waits at 9
    assertThat(seqs(page)).isEqualTo(LongStream.rangeClosed(1, 7).boxed().toList());
    assertThat(page.hasMore()).isTrue();
    assertThat(page.lastSeq()).isEqualTo(8);
  }

  @Test
  void aStoredMessageWinsOverAGapForItsSeq() {
    // Given seq 6 was dead-lettered (a gap) and later replayed into PostgreSQL after a fix
    SyncReplyFrame page = SyncPlanner.draft(new SyncFrame("r", "c", 0L, null, 100), 10, range(1, 10), Long.MAX_VALUE)
        .page(Set.of(), Set.of(6L));

    assertThat(seqs(page)).isEqualTo(LongStream.rangeClosed(1, 10).boxed().toList());
  }

  @Test
  void theLatestPageReachesPastAGap() {
    List<ChatMessage> known = concat(range(1, 49), range(51, 100));
    SyncFrame request = new SyncFrame("r", "c", null, null, 100);

    SyncReplyFrame page = SyncPlanner.draft(request, 100, known, Long.MAX_VALUE).page(Set.of(50L), Set.of(50L));

    assertThat(seqs(page)).doesNotContain(50L).hasSize(99).startsWith(1L).endsWith(100L);
    assertThat(page.hasMore()).isFalse();
  }

  @Test
  void lastSyncedAtNoticesAHoleRightAfterTheClientsPosition() {
    // Given PostgreSQL has 1..40 and the cache 51..100; the client last synced at message 45
    List<ChatMessage> known = concat(range(1, 40), range(51, 100));
    SyncFrame request = new SyncFrame("r", "c", null, m(45).sentAt(), 100);

    SyncPlanner.Draft draft = SyncPlanner.draft(request, 100, known, Long.MAX_VALUE);
    SyncReplyFrame page = draft.page(Set.copyOf(draft.holes()), Set.of());

    // Then it does not answer 51..100 as if 46..50 did not exist: it waits at its own position
    assertThat(draft.holes()).startsWith(41L);
    assertThat(page.messages()).isEmpty();
    assertThat(page.hasMore()).isTrue();
    assertThat(page.syncedAt()).isEqualTo(m(45).sentAt());

    // And once the persister has 41..50 the page is 46..100
    SyncReplyFrame caughtUp = page(request, 100, concat(range(1, 50), range(51, 100)));
    assertThat(seqs(caughtUp)).isEqualTo(LongStream.rangeClosed(46, 100).boxed().toList());
    assertThat(caughtUp.hasMore()).isFalse();
  }

  @Test
  void seqsBeyondPostgreSQLsCutAnswerAreUnknownNotMissing() {
    // Given a lastSyncedAt page whose PostgreSQL answer was cut at seq 12 and a cache from 51
    List<ChatMessage> known = concat(range(1, 12), range(51, 100));
    SyncFrame request = new SyncFrame("r", "c", null, m(8).sentAt(), 10);

    SyncPlanner.Draft draft = SyncPlanner.draft(request, 100, known, 12);
    SyncReplyFrame page = draft.page(Set.of(), Set.of());

    // Then 13..50 are not treated as never-acked holes to skip
    assertThat(draft.holes()).isEmpty();
    assertThat(seqs(page)).containsExactly(9L, 10L, 11L, 12L);
    assertThat(page.hasMore()).isTrue();
    assertThat(page.lastSeq()).isEqualTo(12);
  }

  @Test
  void theLatestPageEndsAtTheNewestAckedHole() {
    List<ChatMessage> known = concat(range(1, 40), range(51, 100));
    SyncFrame request = new SyncFrame("r", "c", null, null, 100);

    SyncPlanner.Draft draft = SyncPlanner.draft(request, 100, known, Long.MAX_VALUE);
    SyncReplyFrame page = draft.page(Set.of(50L), Set.of());

    assertThat(draft.holes()).containsExactly(50L, 49L, 48L, 47L, 46L, 45L, 44L, 43L, 42L, 41L);
    assertThat(seqs(page)).isEqualTo(LongStream.rangeClosed(51, 100).boxed().toList());
    assertThat(page.hasMore()).isFalse();
    assertThat(page.lastSeq()).isEqualTo(100);
  }

  @Test
  void atMostMaxHolesAreExaminedPerPage() {
    // Given a huge run of never-acked seqs between 1 and a cache at 1001..1050
    List<ChatMessage> known = concat(range(1, 1), range(1_001, 1_050));
    SyncFrame request = new SyncFrame("r", "c", 0L, null, 100);

    SyncPlanner.Draft draft = SyncPlanner.draft(request, 1_050, known, Long.MAX_VALUE);
    SyncReplyFrame page = draft.page(Set.of(), Set.of());

    assertThat(draft.holes()).hasSize(SyncPlanner.MAX_HOLES);
    assertThat(seqs(page)).containsExactly(1L);
    assertThat(page.lastSeq()).isEqualTo(1 + SyncPlanner.MAX_HOLES);
    assertThat(page.hasMore()).isTrue();
  }
}

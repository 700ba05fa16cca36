package io.rallypoint.gateway.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.rallypoint.gateway.store.RedisChatStore.Recent;
import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.frame.SyncFrame;
import io.rallypoint.schemas.frame.SyncReplyFrame;
import io.rallypoint.schemas.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class SyncPlannerTest {

  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
  private static final Instant NOW = T0.plusSeconds(3_600);

  private static ChatMessage m(long seq) {
    return new ChatMessage("c", "id-" + seq, seq, "ana", "cm-" + seq, "hi " + seq, Json.object(), T0.plusSeconds(seq));
  }

  private static List<ChatMessage> range(long from, long to) {
    return LongStream.rangeClosed(from, to).mapToObj(SyncPlannerTest::m).toList();
  }

  private static List<Long> seqs(SyncReplyFrame page) {
    return page.messages().stream().map(ChatMessage::seq).toList();
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

    SyncReplyFrame page = SyncPlanner.page(request, 120, known, NOW);

    assertThat(seqs(page)).isEqualTo(LongStream.rangeClosed(11, 60).boxed().toList());
    assertThat(page.hasMore()).isTrue();
    assertThat(page.lastSeq()).isEqualTo(60);
    assertThat(page.syncedAt()).isEqualTo(m(60).sentAt());
    assertThat(page.id()).isEqualTo("r1");
  }

  @Test
  void cachedButUnpersistedMessagesAreMergedInSeqOrderWithoutDuplicates() {
    // Given PostgreSQL holds 1..30 and the cache 21..50 (21..30 in both)
    List<ChatMessage> known = new ArrayList<>(range(21, 50));
    known.addAll(range(1, 30));

    SyncReplyFrame page = SyncPlanner.page(new SyncFrame(null, "c", 0L, null, 100), 50, known, NOW);

    assertThat(seqs(page)).isEqualTo(LongStream.rangeClosed(1, 50).boxed().toList());
    assertThat(page.hasMore()).isFalse();
    assertThat(page.lastSeq()).isEqualTo(50);
  }

  @Test
  void lastSyncedAtReturnsMessagesSentStrictlyAfterIt() {
    SyncReplyFrame page = SyncPlanner.page(new SyncFrame(null, "c", null, m(5).sentAt(), null), 8, range(1, 8), NOW);

    assertThat(seqs(page)).containsExactly(6L, 7L, 8L);
    assertThat(page.syncedAt()).isEqualTo(m(8).sentAt());
  }

  @Test
  void neitherCursorGivesTheLatestPage() {
    SyncReplyFrame page = SyncPlanner.page(new SyncFrame(null, "c", null, null, 3), 8, range(1, 8), NOW);

    assertThat(seqs(page)).containsExactly(6L, 7L, 8L);
    assertThat(page.hasMore()).isFalse();
    assertThat(SyncPlanner.cacheCovers(new SyncFrame(null, "c", null, null, 3), new Recent(8, range(4, 8)))).isTrue();
    assertThat(SyncPlanner.cacheCovers(new SyncFrame(null, "c", null, null, 100), new Recent(80, range(31, 80)))).isFalse();
  }

  @Test
  void anEmptyPageKeepsTheCursors() {
    SyncReplyFrame afterSeq = SyncPlanner.page(new SyncFrame(null, "c", 8L, null, null), 8, range(1, 8), NOW);
    SyncReplyFrame afterTime = SyncPlanner.page(new SyncFrame(null, "c", null, m(8).sentAt(), null), 8, range(1, 8), NOW);

    assertThat(afterSeq.messages()).isEmpty();
    assertThat(afterSeq.lastSeq()).isEqualTo(8);
    assertThat(afterSeq.hasMore()).isFalse();
    assertThat(afterTime.messages()).isEmpty();
    assertThat(afterTime.lastSeq()).isEqualTo(8);
    assertThat(afterTime.syncedAt()).isEqualTo(m(8).sentAt());
  }
}

package io.rallypoint.client.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimelineTest {

  private static ChatMessage message(long seq, String messageId) {
    return new ChatMessage("ride", messageId, seq, "ana", "c-" + messageId, "m" + seq, null,
        Instant.parse("2026-11-24T06:00:00Z").plusMillis(seq));
  }

  @Test
  void a_message_carried_by_a_live_frame_an_ack_and_a_sync_page_is_kept_once() {
    Timeline timeline = new Timeline(100);

    assertThat(timeline.add(message(1, "a"))).isTrue();
    assertThat(timeline.add(message(1, "a"))).isFalse();
    assertThat(timeline.add(message(2, "a"))).as("same messageId under another seq").isFalse();

    assertThat(timeline.messages()).extracting(ChatMessage::seq).containsExactly(1L);
  }

  @Test
  void messages_are_in_seq_order_whatever_order_they_arrive_in() {
    Timeline timeline = new Timeline(100);
    timeline.add(message(3, "c"));
    timeline.add(message(1, "a"));
    timeline.add(message(2, "b"));

    assertThat(timeline.messages()).extracting(ChatMessage::seq).containsExactly(1L, 2L, 3L);
    assertThat(timeline.highestSeq()).isEqualTo(3);
  }

  @Test
  void the_cursor_follows_the_page_and_then_the_contiguous_live_messages() {
    Timeline timeline = new Timeline(100);
    timeline.add(message(4, "d")); // live, before the first page
    timeline.pageReached(3);
    assertThat(timeline.cursor().position()).hasValue(4);

    timeline.add(message(6, "f"));
    assertThat(timeline.cursor().position()).hasValue(4);
    assertThat(timeline.cursor().leavesHole(6)).isTrue();

    timeline.add(message(5, "e"));
    assertThat(timeline.cursor().position()).hasValue(6);
  }

  @Test
  void beyond_its_size_the_oldest_messages_go_first() {
    Timeline timeline = new Timeline(2);
    timeline.add(message(1, "a"));
    timeline.add(message(2, "b"));
    timeline.add(message(3, "c"));

    assertThat(timeline.messages()).extracting(ChatMessage::seq).containsExactly(2L, 3L);
    assertThat(timeline.add(message(1, "a"))).as("an evicted message counts as new again").isTrue();
  }
}

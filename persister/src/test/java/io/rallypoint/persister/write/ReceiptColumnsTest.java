package io.rallypoint.persister.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.rallypoint.schemas.event.ReceiptEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReceiptColumnsTest {

  @Test
  void one_row_per_conversation_and_user_with_the_highest_seq_of_the_batch() {
    Instant at = Instant.EPOCH;
    ReceiptColumns columns = ReceiptColumns.of(List.of(
        new ReceiptEvent("c", "bob", 5, at),
        new ReceiptEvent("c", "bob", 3, at),
        new ReceiptEvent("c", "carol", 1, at),
        new ReceiptEvent("d", "bob", 2, at),
        new ReceiptEvent("c", "bob", 9, at)));

    assertThat(columns.size()).isEqualTo(3);
    assertThat(columns.conversationIds()).containsExactly("c", "c", "d");
    assertThat(columns.userIds()).containsExactly("bob", "carol", "bob");
    assertThat(columns.seqs()).containsExactly(9L, 1L, 2L);
  }
}

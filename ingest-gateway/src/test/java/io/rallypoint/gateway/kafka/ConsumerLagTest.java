package io.rallypoint.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** {@link ConsumerLag#lag}: where a group resumes, against each partition's end. */
class ConsumerLagTest {

  private static final TopicPartition P0 = new TopicPartition("chat.messages", 0);
  private static final TopicPartition P1 = new TopicPartition("chat.messages", 1);
  private static final TopicPartition P2 = new TopicPartition("chat.messages", 2);

  @Test
  void aPartitionLagsByWhatIsPastItsCommitOrPastItsStartWhenThereIsNone() {
    // Given p0 committed at 40 of 100, p1 never committed (starts at 10, ends at 25), p2 committed
    // at 3 but retention deleted up to 50 (ends at 60)
    Map<TopicPartition, Long> committed = Map.of(P0, 40L, P2, 3L);
    Map<TopicPartition, Long> earliest = Map.of(P0, 0L, P1, 10L, P2, 50L);
    Map<TopicPartition, Long> end = Map.of(P0, 100L, P1, 25L, P2, 60L);

    // Then the lags are what each would still read
    assertThat(ConsumerLag.lag(committed, earliest, end, List.of(P0, P1, P2)))
        .isEqualTo(Map.of(P0, 60L, P1, 15L, P2, 10L));
  }

  @Test
  void aCommitAtTheEndIsNoLagAndAPartitionWithoutAnEndIsLeftOut() {
    assertThat(ConsumerLag.lag(Map.of(P0, 100L), Map.of(P0, 0L), Map.of(P0, 100L), List.of(P0, P1)))
        .isEqualTo(Map.of(P0, 0L));
  }
}

package io.rallypoint.client.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class LiveMapTest {

  private static Position at(String user, double lat, String at) {
    return new Position("ride", user, lat, 2.35, Instant.parse(at));
  }

  @Test
  void the_latest_position_of_each_member_wins_and_an_older_one_arriving_late_is_ignored() {
    LiveMap map = new LiveMap();

    assertThat(map.update(at("ben", 48.1, "2026-11-24T06:00:02Z"))).isTrue();
    assertThat(map.update(at("ben", 48.0, "2026-11-24T06:00:01Z"))).isFalse();
    assertThat(map.update(at("ben", 48.0, "2026-11-24T06:00:02Z"))).as("not newer").isFalse();
    assertThat(map.update(at("ana", 47.0, "2026-11-24T06:00:00Z"))).isTrue();

    assertThat(map.positions()).extracting(Position::user, Position::lat)
        .containsExactly(tuple("ana", 47.0), tuple("ben", 48.1));
  }
}

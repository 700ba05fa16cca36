package io.rallypoint.client.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PresenceTest {

  @Test
  void the_reply_sets_who_is_online_and_recording() {
    Presence presence = new Presence();
    Presence.Asked asked = presence.asking();

    presence.replied(asked, List.of("ben", "ana"), List.of("ben"));

    assertThat(presence.online()).containsExactly("ana", "ben");
    assertThat(presence.recording()).containsExactly("ben");
  }

  @Test
  void a_push_heard_while_the_request_is_in_flight_wins_over_its_reply() {
    Presence presence = new Presence();
    Presence.Asked asked = presence.asking();

    presence.pushed("cy", true);
    presence.pushed("ana", false);
    presence.replied(asked, List.of("ana", "ben"), List.of());

    assertThat(presence.online()).containsExactly("ben", "cy");
  }

  @Test
  void pushes_say_whether_they_changed_anything() {
    Presence presence = new Presence();

    assertThat(presence.pushed("ana", true)).isTrue();
    assertThat(presence.pushed("ana", true)).isFalse();
    assertThat(presence.pushed("ana", false)).isTrue();
    assertThat(presence.recordingSeen("ben")).isTrue();
    assertThat(presence.recordingSeen("ben")).isFalse();
  }

  @Test
  void an_abandoned_request_no_longer_collects_pushes() {
    Presence presence = new Presence();
    Presence.Asked asked = presence.asking();
    presence.abandoned(asked);

    presence.pushed("cy", true);
    Presence.Asked next = presence.asking();
    presence.replied(next, List.of("ana"), List.of());

    assertThat(presence.online()).containsExactly("ana");
  }
}

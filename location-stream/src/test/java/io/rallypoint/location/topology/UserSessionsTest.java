package io.rallypoint.location.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the session router remembers per user: live sessions with their conversations, ended sessions, bounds. */
class UserSessionsTest {

  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

  @Test
  void everyLiveSessionKeepsItsConversationsWhateverOrderTheyWereSeenIn() {
    UserSessions state = UserSessions.empty()
        .joined("ride-1", "s-1")
        .joined("ride-1", "s-2")
        .joined("ride-2", "s-2")
        .joined("ride-1", "s-1"); // a late position of the old session

    assertThat(state.conversationsOf("s-1")).containsExactly("ride-1");
    assertThat(state.conversationsOf("s-2")).containsExactly("ride-1", "ride-2");

    UserSessions after = state.sessionEnded("s-2", T0);
    assertThat(after.conversationsOf("s-2")).isEmpty();
    assertThat(after.conversationsOf("s-1")).containsExactly("ride-1");
    assertThat(after.endedAt("s-2")).isEqualTo(T0);
  }

  @Test
  void whatIsKnownAlreadyOrCannotEndChangesNothing() {
    UserSessions state = UserSessions.empty().joined("ride-1", "s-1");

    assertThat(state.joined("ride-1", "s-1")).isSameAs(state);
    assertThat(state.joined("ride-1", null)).isSameAs(state);
  }

  @Test
  void onlyTheMostRecentlyStartedLiveSessionsAreKept() {
    UserSessions state = UserSessions.empty();
    for (int i = 1; i <= UserSessions.LIVE_KEPT + 2; i++) {
      state = state.joined("ride-1", "s-" + i);
    }

    assertThat(state.live()).hasSize(UserSessions.LIVE_KEPT);
    assertThat(state.conversationsOf("s-1")).isEmpty();
    assertThat(state.conversationsOf("s-2")).isEmpty();
    assertThat(state.conversationsOf("s-3")).containsExactly("ride-1");
    assertThat(state.conversationsOf("s-" + (UserSessions.LIVE_KEPT + 2))).containsExactly("ride-1");
  }

  @Test
  void onlyTheLastEndedSessionsAreKept() {
    UserSessions state = UserSessions.empty();
    for (int i = 1; i <= UserSessions.ENDED_KEPT + 1; i++) {
      state = state.sessionEnded("s-" + i, T0.plusSeconds(i));
    }

    assertThat(state.ended()).hasSize(UserSessions.ENDED_KEPT);
    assertThat(state.endedAt("s-1")).isNull();
    assertThat(state.endedAt("s-2")).isEqualTo(T0.plusSeconds(2));
  }

  @Test
  void theStoreRoundTripsAndStateWrittenByEarlierVersionsIsStillRead() {
    UserSessions state = UserSessions.empty().joined("ride-1", "s-1").joined("ride-1", "s-2").sessionEnded("s-0", T0);
    assertThat(read(new String(LocationTopology.USER_SESSIONS.serializer().serialize("t", state), StandardCharsets.UTF_8)))
        .isEqualTo(state);

    // Earlier versions kept one session per conversation.
    UserSessions old = read("""
        {"conversations":{"ride-2":"s-1","ride-1":"s-1","ride-3":"s-2"},"ended":[{"session":"s-0","at":"2026-11-24T10:00:00.000Z"}]}""");

    assertThat(old.conversationsOf("s-1")).containsExactly("ride-1", "ride-2");
    assertThat(old.conversationsOf("s-2")).containsExactly("ride-3");
    assertThat(old.endedAt("s-0")).isEqualTo(T0);
    assertThat(old.live()).extracting(UserSessions.Live::session).isEqualTo(List.of("s-1", "s-2"));
  }

  private static UserSessions read(String json) {
    return LocationTopology.USER_SESSIONS.deserializer().deserialize("t", json.getBytes(StandardCharsets.UTF_8));
  }
}

package io.rallypoint.location.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The store key of {@link NewMemberships}. */
class NewMembershipsTest {

  @Test
  void keysOfDifferentPairsNeverCollideEvenWhenTheirConcatenationsDo() {
    assertThat(NewMemberships.key("ab", "c")).isNotEqualTo(NewMemberships.key("a", "bc"));
    assertThat(NewMemberships.key("1:a", "b")).isNotEqualTo(NewMemberships.key("1", ":ab"));
    assertThat(NewMemberships.key("ride", "alice")).isEqualTo(NewMemberships.key("ride", "alice"));
  }
}

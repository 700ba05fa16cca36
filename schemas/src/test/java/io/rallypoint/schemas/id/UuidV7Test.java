package io.rallypoint.schemas.id;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class UuidV7Test {

  @Property
  void carries_version_7_the_rfc_variant_and_the_clock_millis(
      @ForAll @LongRange(min = 0, max = 0xFFFF_FFFF_FFFFL) long millis) {
    UuidV7 generator = new UuidV7(Clock.fixed(Instant.ofEpochMilli(millis), ZoneOffset.UTC), new SecureRandom());

    UUID id = generator.generate();

    assertThat(id.version()).isEqualTo(7);
    assertThat(id.variant()).isEqualTo(2);
    assertThat(UuidV7.timestampMillis(id)).isEqualTo(millis);
  }

  @Test
  void ids_from_one_generator_strictly_increase_within_one_millisecond() {
    UuidV7 generator = new UuidV7(Clock.fixed(Instant.parse("2026-11-24T06:00:00Z"), ZoneOffset.UTC), new SecureRandom());
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      ids.add(generator.generate());
    }

    assertThat(ids).isSortedAccordingTo(UuidV7Test::unsignedCompare).doesNotHaveDuplicates();
  }

  @Test
  void a_clock_stepping_back_does_not_make_ids_go_back() {
    AtomicLong now = new AtomicLong(1_000_000);
    Clock clock = new Clock() {
      @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
      @Override public Clock withZone(java.time.ZoneId zone) { return this; }
      @Override public Instant instant() { return Instant.ofEpochMilli(now.get()); }
    };
    UuidV7 generator = new UuidV7(clock, new SecureRandom());

    UUID before = generator.generate();
    now.set(999_000);
    UUID after = generator.generate();

    assertThat(unsignedCompare(after, before)).isPositive();
  }

  @Test
  void the_string_form_sorts_like_time() {
    UUID earlier = new UuidV7(Clock.fixed(Instant.ofEpochMilli(1_000), ZoneOffset.UTC), new SecureRandom()).generate();
    UUID later = new UuidV7(Clock.fixed(Instant.ofEpochMilli(2_000), ZoneOffset.UTC), new SecureRandom()).generate();

    assertThat(earlier.toString()).isLessThan(later.toString());
  }

  private static int unsignedCompare(UUID a, UUID b) {
    int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
    return high != 0 ? high : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
  }
}

package io.rallypoint.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rallypoint.gateway.deps.DependencyDown;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TtlCacheTest {

  final AtomicLong now = new AtomicLong();
  final AtomicInteger loads = new AtomicInteger();

  @Test
  void a_value_is_read_once_per_ttl_and_again_after_it() {
    TtlCache<String, Integer> cache = new TtlCache<>(k -> loads.incrementAndGet(), Runnable::run, Duration.ofSeconds(5), now::get);

    assertThat(cache.get("c").join()).isEqualTo(1);
    now.addAndGet(Duration.ofSeconds(4).toNanos());
    assertThat(cache.get("c").join()).as("still fresh").isEqualTo(1);
    now.addAndGet(Duration.ofSeconds(2).toNanos());
    assertThat(cache.get("c").join()).as("expired: read again").isEqualTo(2);
  }

  @Test
  void a_failed_read_is_not_kept_and_says_which_dependency_is_down() {
    AtomicInteger calls = new AtomicInteger();
    TtlCache<String, Integer> cache = new TtlCache<>(k -> {
      if (calls.incrementAndGet() == 1) {
        throw new SQLException("connection refused", "08001");
      }
      return 42;
    }, Runnable::run, Duration.ofSeconds(5), now::get);

    assertThatThrownBy(() -> cache.get("c").join())
        .isInstanceOf(CompletionException.class).hasCauseInstanceOf(DependencyDown.class);
    assertThat(cache.get("c").join()).as("the next caller tries again").isEqualTo(42);
  }

  @Test
  void forget_makes_the_next_read_fresh() {
    TtlCache<String, Integer> cache = new TtlCache<>(k -> loads.incrementAndGet(), Runnable::run, Duration.ofSeconds(5), now::get);

    cache.get("u").join();
    cache.forget("u");

    assertThat(cache.get("u").join()).isEqualTo(2);
  }

  @Test
  void peek_never_waits_and_keeps_the_stale_value_until_the_new_one_is_read() {
    java.util.List<Runnable> pending = new java.util.ArrayList<>();
    TtlCache<String, Integer> cache = new TtlCache<>(k -> loads.incrementAndGet(), pending::add, Duration.ofSeconds(5), now::get);

    // Given nothing read yet: peek knows nothing, but starts the read
    assertThat(cache.peek("c")).isNull();
    pending.removeFirst().run();
    assertThat(cache.peek("c")).isEqualTo(1);

    // When the value goes stale: the stale one is still answered while the new read runs
    now.addAndGet(Duration.ofSeconds(6).toNanos());
    assertThat(cache.peek("c")).isEqualTo(1);
    assertThat(pending).as("one reload started").hasSize(1);
    assertThat(cache.peek("c")).as("not a second reload").isEqualTo(1);
    assertThat(pending).hasSize(1);

    // Then once it is read, the new value is answered
    pending.removeFirst().run();
    assertThat(cache.peek("c")).isEqualTo(2);
  }

  @Test
  void reload_reads_a_fresh_value_at_once_and_peek_keeps_the_old_one_meanwhile() {
    java.util.List<Runnable> pending = new java.util.ArrayList<>();
    TtlCache<String, Integer> cache = new TtlCache<>(k -> loads.incrementAndGet(), pending::add, Duration.ofSeconds(5), now::get);
    cache.get("c");
    pending.removeFirst().run();
    assertThat(cache.holds("c")).isTrue();
    assertThat(cache.holds("d")).isFalse();

    // When a change is announced well within the TTL
    var reloaded = cache.reload("c");

    // Then the value is read again, and until it is the old one is still answered
    assertThat(cache.peek("c")).isEqualTo(1);
    pending.removeFirst().run();
    assertThat(reloaded.join()).isEqualTo(2);
    assertThat(cache.get("c").join()).as("the reloaded value is kept for a TTL").isEqualTo(2);
    assertThat(pending).isEmpty();
  }
}

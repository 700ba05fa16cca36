package io.rallypoint.gateway.protect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  @Test
  void aBurstIsAllowedThenRefusedUntilTimeRefillsIt() {
    // Given a bucket of 3 refilling 2 per second
    TokenBucket bucket = new TokenBucket(3, 2, now::get);

    // When 4 frames arrive at once, Then the 4th is refused
    assertThat(bucket.tryTake()).isTrue();
    assertThat(bucket.tryTake()).isTrue();
    assertThat(bucket.tryTake()).isTrue();
    assertThat(bucket.tryTake()).isFalse();

    // When half a second passes, Then exactly one more is allowed
    now.addAndGet(500_000_000L);
    assertThat(bucket.tryTake()).isTrue();
    assertThat(bucket.tryTake()).isFalse();
  }

  @Test
  void aLongPauseNeverStoresMoreThanTheCapacity() {
    TokenBucket bucket = new TokenBucket(2, 10, now::get);
    now.addAndGet(60_000_000_000L);

    assertThat(bucket.tryTake()).isTrue();
    assertThat(bucket.tryTake()).isTrue();
    assertThat(bucket.tryTake()).isFalse();
  }

  @Test
  void aUsersConnectionsShareOneBucketWhichGoesAwayWithTheLast() {
    RateLimiter limiter = new RateLimiter(1, 1, now::get);
    TokenBucket first = limiter.acquire("ana");
    TokenBucket second = limiter.acquire("ana");

    assertThat(second).isSameAs(first);
    assertThat(first.tryTake()).isTrue();
    assertThat(second.tryTake()).isFalse();

    limiter.release("ana");
    assertThat(limiter.users()).isEqualTo(1);
    limiter.release("ana");
    assertThat(limiter.users()).isZero();
  }
}

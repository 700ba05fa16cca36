package io.rallypoint.gateway.protect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
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
  void promisedTokensComeOneIntervalApartAndNobodyElseGetsThem() {
    // Given an empty bucket refilling 4 per second, 250 ms apart
    TokenBucket bucket = new TokenBucket(1, 4, now::get);
    assertThat(bucket.tryTake()).isTrue();
    now.addAndGet(100_000_000L);

    // When three refused frames are promised tokens
    assertThat(bucket.reserve()).isEqualTo(150_000_000L);
    assertThat(bucket.reserve()).isEqualTo(400_000_000L);
    assertThat(bucket.reserve()).isEqualTo(650_000_000L);

    // Then until all three are there, no other frame gets one
    now.addAndGet(650_000_000L);
    assertThat(bucket.tryTake()).isFalse();
    assertThat(bucket.nanosUntilFree()).isEqualTo(250_000_000L);

    // And a promise given back frees its token at once
    bucket.refund();
    assertThat(bucket.tryTake()).isTrue();
  }

  @Test
  void aUsersConnectionsShareOneBucketWhichGoesAwayWithTheLast() {
    RateLimiter limiter = new RateLimiter(1, 1, Duration.ofSeconds(10), 100, now::get);
    Pacer first = limiter.acquire("ana");
    Pacer second = limiter.acquire("ana");

    assertThat(first.admit("a")).isInstanceOf(Pacer.Admitted.class);
    assertThat(second.admit("b")).isInstanceOf(Pacer.Refused.class);

    limiter.release("ana", first);
    assertThat(limiter.users()).isEqualTo(1);
    limiter.release("ana", second);
    assertThat(limiter.users()).isZero();
  }
}

package io.rallypoint.schemas.id;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Time-ordered UUIDs, version 7 (RFC 9562 section 5.7): 48 bits of Unix milliseconds, then a
 * 12-bit counter (RFC 9562 "method 1") seeded randomly each millisecond, then 62 random bits.
 *
 * <p>Ids from one generator are strictly increasing, even within a millisecond and if the clock
 * steps back (the last timestamp is reused until the clock catches up).
 */
public final class UuidV7 {

  private static final UuidV7 DEFAULT = new UuidV7(Clock.systemUTC(), new SecureRandom());

  private final Clock clock;
  private final SecureRandom random;
  private final ReentrantLock lock = new ReentrantLock();
  private long lastMillis = -1;
  private int counter;

  public UuidV7(Clock clock, SecureRandom random) {
    this.clock = clock;
    this.random = random;
  }

  /** A new id from the process-wide generator. */
  public static UUID next() {
    return DEFAULT.generate();
  }

  /** The Unix milliseconds stored in a version-7 UUID. */
  public static long timestampMillis(UUID uuid) {
    if (uuid.version() != 7) {
      throw new IllegalArgumentException("not a UUIDv7: " + uuid);
    }
    return uuid.getMostSignificantBits() >>> 16;
  }

  /** A new id from this generator. */
  public UUID generate() {
    long millis;
    int seq;
    lock.lock();
    try {
      long now = clock.millis();
      if (now > lastMillis) {
        lastMillis = now;
        counter = random.nextInt(1 << 11); // start low in the 12-bit space, leaving room to count up
      } else if (++counter > 0xFFF) {
        // 4096 ids in one millisecond: borrow the next millisecond rather than repeat.
        lastMillis++;
        counter = 0;
      }
      millis = lastMillis;
      seq = counter;
    } finally {
      lock.unlock();
    }
    long msb = (millis << 16) | (0x7L << 12) | seq;
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }
}

package dev.offload.task;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.UUID;

/**
 * Task ids are UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, a 12-bit counter within the
 * millisecond (RFC 9562 method 1), then 62 random bits. Time-ordered ids keep inserts at the right
 * edge of the primary key and make "newest first" an index scan, and ids made by one node are
 * strictly increasing; the random bits keep them unguessable. One generator per node.
 */
public final class TaskIds {

  private static final SecureRandom RANDOM = new SecureRandom();
  private long lastMillis;
  private int counter;

  /** The next id, greater than every id this generator made before, even if the clock went back. */
  public UUID next(Instant now) {
    long millis;
    int sequence;
    synchronized (this) {
      millis = Math.max(now.toEpochMilli(), lastMillis);
      if (millis == lastMillis) {
        counter++;
        if (counter > 0xFFF) { // 4,096 ids in one millisecond: borrow the next millisecond
          millis++;
          counter = 0;
        }
      } else {
        counter = 0;
      }
      lastMillis = millis;
      sequence = counter;
    }
    long high = ((millis & 0xFFFF_FFFF_FFFFL) << 16) | 0x7000L | sequence;
    long low = (RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(high, low);
  }
}

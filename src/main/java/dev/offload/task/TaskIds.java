package dev.offload.task;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.UUID;

/**
 * Task ids are UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. Time-ordered ids keep
 * inserts at the right edge of the primary key and make "newest first" an index scan; the random bits keep
 * them unguessable.
 */
public final class TaskIds {

  private static final SecureRandom RANDOM = new SecureRandom();

  private TaskIds() {
  }

  public static UUID next(Instant now) {
    long millis = now.toEpochMilli() & 0xFFFF_FFFF_FFFFL;
    long high = (millis << 16) | 0x7000L | (RANDOM.nextInt() & 0x0FFFL);
    long low = (RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(high, low);
  }
}

package dev.offload.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TaskIdsTest {

  private static final Instant NOW = Instant.parse("2030-06-01T12:00:00.123Z");
  private final TaskIds ids = new TaskIds();

  @Test
  void ids_are_version_7_with_the_rfc_9562_variant() {
    for (int i = 0; i < 1_000; i++) {
      UUID id = ids.next(NOW);
      assertEquals(7, id.version(), id.toString());
      assertEquals(2, id.variant(), id.toString());
    }
  }

  @Test
  void the_first_48_bits_are_the_unix_milliseconds() {
    UUID id = ids.next(NOW);
    assertEquals(NOW.toEpochMilli(), id.getMostSignificantBits() >>> 16);
    assertTrue(
        id.toString()
            .startsWith(
                String.format("%08x-%04x", NOW.toEpochMilli() >>> 16, NOW.toEpochMilli() & 0xFFFF)),
        id.toString());
  }

  @Test
  void an_id_from_a_later_millisecond_sorts_after_every_earlier_one() {
    UUID previous = ids.next(NOW);
    for (int ms = 1; ms <= 2_000; ms++) {
      UUID next = ids.next(NOW.plusMillis(ms));
      // Text order is PostgreSQL's uuid order (unsigned, byte by byte); compareTo is Java's.
      assertTrue(next.toString().compareTo(previous.toString()) > 0, previous + " then " + next);
      assertTrue(next.compareTo(previous) > 0, previous + " then " + next);
      previous = next;
    }
  }

  @Test
  void ids_of_the_same_millisecond_are_distinct() {
    Set<UUID> made = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      made.add(ids.next(NOW));
    }
    assertEquals(10_000, made.size());
  }

  @Test
  void ids_of_the_same_millisecond_increase_so_newest_first_is_exact() {
    UUID previous = ids.next(NOW);
    for (int i = 0; i < 10_000; i++) {
      UUID next = ids.next(NOW);
      assertTrue(next.toString().compareTo(previous.toString()) > 0, previous + " then " + next);
      previous = next;
    }
  }

  @Test
  void ids_keep_increasing_when_the_clock_goes_back() {
    UUID before = ids.next(NOW);
    UUID after = ids.next(NOW.minusSeconds(5));
    assertTrue(after.toString().compareTo(before.toString()) > 0, before + " then " + after);
  }
}

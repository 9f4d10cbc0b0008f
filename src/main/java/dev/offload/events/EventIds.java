package dev.offload.events;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Event ids are times, in microseconds since the epoch: those of live events the time their node
 * read the change (strictly increasing on each node), those of a replay the task's finalized_at. So
 * a {@code Last-Event-ID} from any node says how far its client got, and a reconnect replays the
 * tasks finalized since then, less a margin for the time between a task's finalized_at and its
 * event.
 */
final class EventIds {

  private final Clock clock;
  private long last;

  EventIds(Clock clock) {
    this.clock = clock;
  }

  /** The next live event id of this node. Not thread-safe: the hub's event loop only. */
  long next() {
    last = Math.max(last + 1, micros(clock.instant()));
    return last;
  }

  static long micros(Instant instant) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
  }

  static Instant instant(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }

  /** The time of an event id a client sent back, or null if it is not one. */
  static Instant parse(String text) {
    if (text == null || !text.matches("\\d{1,18}")) {
      return null;
    }
    return instant(Long.parseLong(text));
  }
}

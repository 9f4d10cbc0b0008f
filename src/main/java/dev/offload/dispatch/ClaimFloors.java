package dev.offload.dispatch;

import dev.offload.task.Lane;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * Where this node's claims of each lane start: a due time below which, as far as this node knows,
 * no task of the lane waits. A claim walks the claim index from the longest-due task up, and that
 * index keeps an entry for every task claimed since the oldest snapshot still open in the database
 * (a long report, a forgotten transaction): with a snapshot held for minutes, each claim would
 * visit the table for hundreds of thousands of tasks that are long gone. Claims scoped to the floor
 * pass over those entries in the index alone.
 *
 * <p>A lane's floor rises when a claim of it found every due task there was ({@link #drained}), to
 * {@link #MARGIN} before that claim's time, so that tasks committed just after it by any node
 * (whose clock may be a little behind, and whose statement may be a little slow) are still above
 * it. Tasks that wait below a floor anyway, handed back with their old due time or submitted with a
 * start time long past, are found by {@link ClaimLoop#poll} (through {@code waitingBefore}), and
 * the floor is then forgotten; a hand-back by this node forgets it at once. Priorities stay exact:
 * every waiting task is above the floor. Confined to the dispatcher's event loop.
 */
final class ClaimFloors {

  /** How far below the time of the claim that drained a lane its floor is set. */
  static final Duration MARGIN = Duration.ofSeconds(5);

  private final Map<Lane, Instant> floors = new EnumMap<>(Lane.class);

  /**
   * Counts the forgets: a claim that began before one cannot raise a floor, since tasks may have
   * gone back below it meanwhile.
   */
  private long generation;

  /**
   * The floor of {@code lane}'s claims at {@code now}; null: none. A floor above {@code now} less
   * the margin means the clock went back: it is forgotten.
   */
  Instant at(Lane lane, Instant now) {
    Instant floor = floors.get(lane);
    if (floor != null && floor.isAfter(now.minus(MARGIN))) {
      floors.remove(lane);
      return null;
    }
    return floor;
  }

  /** Every floor set now, by lane. */
  Map<Lane, Instant> current() {
    return Map.copyOf(floors);
  }

  /** To pass to {@link #drained}: the claim began now. */
  long generation() {
    return generation;
  }

  /**
   * A claim of {@code lane} at {@code now}, begun at {@code generation}, took every due task it
   * could see: its floor rises to the margin before {@code now}.
   */
  void drained(Lane lane, Instant now, long generation) {
    if (generation != this.generation) {
      return;
    }
    Instant floor = now.minus(MARGIN);
    floors.merge(lane, floor, (old, raised) -> raised.isAfter(old) ? raised : old);
  }

  /**
   * Tasks of {@code lane} may wait below its floor: its claims start from the longest due again.
   */
  void forget(Lane lane) {
    floors.remove(lane);
    generation++;
  }

  /** Tasks may wait below the floors: claims start from the longest due again. */
  void forgetAll() {
    floors.clear();
    generation++;
  }
}

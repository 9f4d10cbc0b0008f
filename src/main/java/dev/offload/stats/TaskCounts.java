package dev.offload.stats;

import dev.offload.store.StatsStore;
import dev.offload.store.StatsStore.FinalCount;
import dev.offload.store.StatsStore.LiveCount;
import dev.offload.task.TaskState;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The node's cache of task counts by state, queue and kind, for {@code GET /stats} and {@code GET
 * /queues}: refreshed when asked and older than {@link #MAX_AGE}, by one refresh at a time that all
 * the requests meanwhile share. So the database does the same work every two seconds at most,
 * however many clients poll.
 *
 * <ul>
 *   <li>Waiting and running tasks: counted whole at each refresh, one grouped pass over the live
 *       table (small: it holds no finished task).
 *   <li>Final tasks: those finalized within the last {@link #FINAL_WINDOW}, never the whole history
 *       (which may hold hundreds of millions). They are kept by 10-second step: a refresh reads
 *       only the steps since {@link #SETTLE} before the last refresh (the history through its block
 *       range index on finalized_at) and forgets the steps that left the window. A step older than
 *       that is not read again: a task committed later than that after its finalized_at, or retried
 *       or deleted since, is counted as it was.
 * </ul>
 *
 * Thread-safe: a refresh publishes a new immutable {@link Snapshot}.
 */
public final class TaskCounts {

  public static final Duration MAX_AGE = Duration.ofSeconds(2);
  public static final Duration FINAL_WINDOW = Duration.ofHours(1);
  static final Duration SETTLE = Duration.ofSeconds(10);
  private static final long STEP_SECONDS = 10;

  /** Counts at {@code asOf}; the final ones are of tasks finalized since {@code finalSince}. */
  public record Snapshot(
      Instant asOf, Instant finalSince, List<LiveCount> live, Map<Key, Long> finals) {}

  /** The state, queue and kind of a count. */
  public record Key(TaskState state, String queue, String kind) {}

  private final StatsStore store;
  private final Clock clock;
  private volatile Snapshot snapshot;
  private Future<Snapshot> refreshing;

  /** Final counts by step start (epoch seconds), then key; only the refresh in flight writes. */
  private final TreeMap<Long, Map<Key, Long>> steps = new TreeMap<>();

  private Instant settledUntil;

  public TaskCounts(StatsStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** The counts, at most {@link #MAX_AGE} old. */
  public Future<Snapshot> current() {
    Snapshot known = snapshot;
    Instant now = clock.instant();
    if (known != null && !known.asOf().isBefore(now.minus(MAX_AGE))) {
      return Future.succeededFuture(known);
    }
    synchronized (this) {
      if (refreshing == null) {
        refreshing = refresh(now).andThen(done -> clearRefreshing());
      }
      return refreshing;
    }
  }

  private synchronized void clearRefreshing() {
    refreshing = null;
  }

  private Future<Snapshot> refresh(Instant now) {
    Instant windowStart = stepStart(now.minus(FINAL_WINDOW));
    Instant from;
    synchronized (steps) {
      from =
          settledUntil == null || settledUntil.isBefore(windowStart) ? windowStart : settledUntil;
    }
    Future<List<LiveCount>> live = store.liveCounts(now);
    Future<List<FinalCount>> finals = store.finalCounts(from, now);
    return Future.all(live, finals)
        .map(
            both -> {
              Map<Key, Long> totals = new HashMap<>();
              synchronized (steps) {
                steps.tailMap(from.getEpochSecond(), true).clear();
                steps.headMap(windowStart.getEpochSecond(), false).clear();
                for (FinalCount count : finals.result()) {
                  steps
                      .computeIfAbsent(count.step().getEpochSecond(), step -> new HashMap<>())
                      .merge(
                          new Key(count.state(), count.queue(), count.kind()),
                          count.count(),
                          Long::sum);
                }
                settledUntil = stepStart(now.minus(SETTLE));
                steps
                    .values()
                    .forEach(step -> step.forEach((key, n) -> totals.merge(key, n, Long::sum)));
              }
              Snapshot fresh =
                  new Snapshot(now, windowStart, List.copyOf(live.result()), Map.copyOf(totals));
              snapshot = fresh;
              return fresh;
            });
  }

  private static Instant stepStart(Instant at) {
    return Instant.ofEpochSecond(Math.floorDiv(at.getEpochSecond(), STEP_SECONDS) * STEP_SECONDS);
  }

  /** Every count of the snapshot, live and final, as rows of state, queue, kind, count. */
  public static List<Map.Entry<Key, Long>> rows(Snapshot snapshot) {
    List<Map.Entry<Key, Long>> rows = new ArrayList<>();
    for (LiveCount count : snapshot.live()) {
      rows.add(Map.entry(new Key(count.state(), count.queue(), count.kind()), count.count()));
    }
    rows.addAll(snapshot.finals().entrySet());
    return rows;
  }
}

package dev.offload.metrics;

import dev.offload.store.StatsStore.Step;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * This node's throughput by 10-second step, for {@code GET /stats/series}: tasks submitted through
 * its API, attempts it completed and that failed (ended retryable or discarded), and the latency
 * from due to start of the attempts it started. Counted in memory as they happen (a lock and an
 * addition each); {@link #changed} hands the steps that changed since the last call to the writer
 * (dev.offload.maintenance), which stores them for every node to read. Thread-safe.
 */
public final class ThroughputSteps {

  public static final long STEP_SECONDS = 10;

  /** Steps kept in memory: the current one and a few before it, until written. */
  private static final int KEPT = 6;

  private final Clock clock;
  private final TreeMap<Long, Counts> steps = new TreeMap<>();

  public ThroughputSteps(Clock clock) {
    this.clock = clock;
  }

  synchronized void submitted() {
    current().submitted++;
  }

  synchronized void completed() {
    current().completed++;
  }

  synchronized void failed() {
    current().failed++;
  }

  synchronized void started(double latencyMs) {
    current().latency[LatencyHistogram.bucketOf(latencyMs)]++;
  }

  /** The current step's figures, marked changed. Under the lock. */
  private Counts current() {
    long step = Math.floorDiv(clock.instant().getEpochSecond(), STEP_SECONDS) * STEP_SECONDS;
    Counts counts = steps.get(step);
    if (counts == null) {
      counts = new Counts();
      steps.put(step, counts);
      while (steps.size() > KEPT) {
        steps.pollFirstEntry();
      }
    }
    counts.changed = true;
    return counts;
  }

  /** The steps that changed since the last call, with their figures so far. */
  public synchronized List<Step> changed() {
    List<Step> changed = new ArrayList<>();
    Iterator<Map.Entry<Long, Counts>> entries = steps.entrySet().iterator();
    while (entries.hasNext()) {
      Map.Entry<Long, Counts> entry = entries.next();
      Counts counts = entry.getValue();
      if (counts.changed) {
        counts.changed = false;
        changed.add(
            new Step(
                Instant.ofEpochSecond(entry.getKey()),
                counts.submitted,
                counts.completed,
                counts.failed,
                counts.latency.clone()));
      }
    }
    return changed;
  }

  /** One step's figures; guarded by the ThroughputSteps' lock. */
  private static final class Counts {
    long submitted;
    long completed;
    long failed;
    final long[] latency = new long[LatencyHistogram.BUCKETS];
    boolean changed;
  }
}

package dev.offload.bench;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The steady load of a wear benchmark cut into windows of equal length from its start (t0), each window placed
 * before, during or after the event under test (a held snapshot, a pruning run): per window the enqueue-to-start
 * percentiles of the tasks submitted in it, the dead tuples counted at its end, and the autovacuum runs begun in it.
 */
final class WearWindows {

  static final String BEFORE = "before";
  static final String DURING = "during";
  static final String AFTER = "after";

  private WearWindows() {
  }

  /** One task of the load: when it was sent (ns after t0), and its enqueue-to-start, null if it never started. */
  record Sample(long sentNanos, Double millis) {
  }

  /** The event under test, [start, end) in ns after t0. */
  record Span(long startNanos, long endNanos) {

    /** Where [from, to) lies against the span: wholly before it, wholly after it, or overlapping it. */
    String phase(long fromNanos, long toNanos) {
      if (toNanos <= startNanos) {
        return BEFORE;
      }
      return fromNanos >= endNanos ? AFTER : DURING;
    }
  }

  record Window(int index, double startSeconds, double endSeconds, String phase, Latencies latencies, int unstarted,
      Long deadTuples, int autovacuumRuns) {

    JsonObject toJson() {
      return new JsonObject()
        .put("window", index)
        .put("start_s", startSeconds)
        .put("end_s", endSeconds)
        .put("phase", phase)
        .put("tasks", latencies.count())
        .put("unstarted", unstarted)
        .put("p50_ms", latencies.percentile(50))
        .put("p99_ms", latencies.percentile(99))
        .put("max_ms", latencies.max())
        .put("dead_tuples", deadTuples)
        .put("autovacuum_runs", autovacuumRuns);
    }
  }

  /**
   * {@code count} windows of {@code windowNanos}; {@code deadTuples[i]} is the count at the end of window i (null
   * where no sample came back); {@code autovacuumStarts} in ns after t0. Samples outside the windows are left out.
   */
  static List<Window> cut(List<Sample> samples, long windowNanos, int count, Span event, Long[] deadTuples,
      List<Long> autovacuumStarts) {
    List<Window> windows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long from = i * windowNanos;
      long to = from + windowNanos;
      Latencies latencies = new Latencies();
      int unstarted = 0;
      for (Sample sample : samples) {
        if (sample.sentNanos() >= from && sample.sentNanos() < to) {
          if (sample.millis() == null) {
            unstarted++;
          } else {
            latencies.addMillis(sample.millis());
          }
        }
      }
      int runs = (int) autovacuumStarts.stream().filter(start -> start >= from && start < to).count();
      windows.add(new Window(i, seconds(from), seconds(to), event.phase(from, to), latencies, unstarted,
        i < deadTuples.length ? deadTuples[i] : null, runs));
    }
    return windows;
  }

  /** The enqueue-to-start of the tasks sent in [from, to). */
  static Latencies between(List<Sample> samples, long fromNanos, long toNanos) {
    Latencies latencies = new Latencies();
    for (Sample sample : samples) {
      if (sample.millis() != null && sample.sentNanos() >= fromNanos && sample.sentNanos() < toNanos) {
        latencies.addMillis(sample.millis());
      }
    }
    return latencies;
  }

  /** The highest p99 among the windows of {@code phase}; null if none has a p99. */
  static Double maxP99(List<Window> windows, String phase) {
    Double max = null;
    for (Window window : windows) {
      Double p99 = window.latencies().percentile(99);
      if (window.phase().equals(phase) && p99 != null && (max == null || p99 > max)) {
        max = p99;
      }
    }
    return max;
  }

  /** The highest dead-tuple count sampled; null if no sample came back. */
  static Long maxDeadTuples(List<Window> windows) {
    return windows.stream().map(Window::deadTuples).filter(dead -> dead != null).max(Long::compare).orElse(null);
  }

  /** {@code part} as a percentage of {@code whole}, one decimal; null when either is missing or whole is 0. */
  static Double percentOf(Double part, Double whole) {
    return part == null || whole == null || whole == 0 ? null : LoadResult.round1(100 * part / whole);
  }

  private static double seconds(long nanos) {
    return LoadResult.round3(nanos / 1e9);
  }
}

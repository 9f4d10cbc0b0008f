package dev.offload.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Durations of one benchmark, in milliseconds. Samples are at most a few hundred thousand, so exact nearest-rank
 * percentiles over a sorted copy are cheap and need no histogram. Synchronized because samples may arrive from
 * more than one event loop.
 */
final class Latencies {

  private final List<Double> millis = new ArrayList<>();

  synchronized void addNanos(long nanos) {
    millis.add(nanos / 1_000_000.0);
  }

  synchronized void addMillis(double value) {
    millis.add(value);
  }

  synchronized int count() {
    return millis.size();
  }

  /** Nearest-rank percentile, {@code null} when there is no sample (JSON null: "no figure", never a fake 0). */
  synchronized Double percentile(double percent) {
    if (millis.isEmpty()) {
      return null;
    }
    List<Double> sorted = new ArrayList<>(millis);
    Collections.sort(sorted);
    int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
    return round(sorted.get(Math.max(rank, 1) - 1));
  }

  synchronized Double max() {
    return millis.isEmpty() ? null : round(Collections.max(millis));
  }

  synchronized Double mean() {
    return millis.isEmpty() ? null : round(millis.stream().mapToDouble(Double::doubleValue).average().orElseThrow());
  }

  /** Microsecond resolution is plenty, and keeps the JSON lines short. */
  static double round(double millis) {
    return Math.round(millis * 1000.0) / 1000.0;
  }
}

package dev.offload.bench;

import org.HdrHistogram.Histogram;

/**
 * The outcomes of one phase of a load run: a latency histogram of the successful requests (microseconds, three
 * significant digits, up to an hour) and a tally of the failed ones. A histogram, not a list, because a throughput
 * run may answer millions of requests. Synchronized: requests complete on several event loops.
 */
final class LoadStats {

  private static final long HIGHEST_MICROS = 3_600_000_000L;

  private final Histogram micros = new Histogram(HIGHEST_MICROS, 3);
  private final ErrorTally errors = new ErrorTally();

  synchronized void success(long nanos) {
    micros.recordValue(Math.max(1, Math.min(nanos / 1_000, HIGHEST_MICROS)));
  }

  void failure(Throwable cause) {
    errors.add(cause);
  }

  synchronized long ok() {
    return micros.getTotalCount();
  }

  int errors() {
    return errors.total();
  }

  /** The percentile in milliseconds; {@code null} without a sample (JSON null: no figure, never a fake 0). */
  synchronized Double percentileMillis(double percent) {
    return ok() == 0 ? null : Latencies.round(micros.getValueAtPercentile(percent) / 1_000.0);
  }

  synchronized Double maxMillis() {
    return ok() == 0 ? null : Latencies.round(micros.getMaxValue() / 1_000.0);
  }

  void logErrors(String label) {
    errors.log(label);
  }
}

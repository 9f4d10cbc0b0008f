package dev.offload.metrics;

/**
 * Counts of latencies in buckets that grow by a factor of √2 from 0.25 ms up: bucket {@code i}
 * holds those up to {@link #upperMs(int) upperMs(i)}, the last one everything longer (over 6
 * hours). Counts of several nodes add up bucket by bucket, so percentiles over nodes come from the
 * summed counts; they are exact to the bucket's width (±19%).
 */
public final class LatencyHistogram {

  public static final int BUCKETS = 48;
  private static final double FIRST_MS = 0.25;

  private LatencyHistogram() {}

  public static double upperMs(int bucket) {
    return FIRST_MS * Math.pow(Math.sqrt(2), bucket);
  }

  public static int bucketOf(double ms) {
    if (ms <= FIRST_MS) {
      return 0;
    }
    int bucket = (int) Math.ceil(2 * Math.log(ms / FIRST_MS) / Math.log(2) - 1e-9);
    return Math.min(bucket, BUCKETS - 1);
  }

  /**
   * The {@code quantile} (0..1) of the latencies counted in {@code counts}, as the upper bound of
   * its bucket in milliseconds; null when nothing was counted.
   */
  public static Double quantileMs(long[] counts, double quantile) {
    long total = 0;
    for (long count : counts) {
      total += count;
    }
    if (total == 0) {
      return null;
    }
    long rank = (long) Math.ceil(quantile * total);
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return upperMs(i);
      }
    }
    return upperMs(counts.length - 1);
  }
}

package dev.offload.bench;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The ratio of two benchmarks' figures measured in the same run, median over median, as one line of the report: how
 * Offload compares with graphile-worker.
 */
final class FigureRatio {

  private FigureRatio() {
  }

  /** {@code "1.42 (61234.50 ÷ 43000.13, medians)"}, or {@code "n/a (...)"} when either is missing or the divisor 0. */
  static String describe(Path resultsDir, FigureRef numerator, FigureRef denominator) {
    Double top = numerator.median(resultsDir);
    Double bottom = denominator.median(resultsDir);
    if (top == null || bottom == null) {
      return "n/a (no figure: " + (top == null ? numerator : denominator) + ")";
    }
    if (bottom == 0) {
      return "n/a (" + denominator + " is 0)";
    }
    return String.format(Locale.ROOT, "%.2f", top / bottom) + " (" + Summary.format(top) + " ÷ "
      + Summary.format(bottom) + ", medians)";
  }
}

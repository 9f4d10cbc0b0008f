package dev.offload.bench;

import java.nio.file.Path;

/**
 * One figure of another benchmark, written {@code BENCHMARK:FIGURE} (e.g. {@code graphile-drain:tasks_per_s}): what a
 * relative target or a ratio line compares with. Its value is the median across that benchmark's runs.
 */
record FigureRef(String benchmark, String figure) {

  static FigureRef parse(String text) {
    int colon = text.indexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("BENCHMARK:FIGURE expected, not " + text);
    }
    return new FigureRef(text.substring(0, colon), text.substring(colon + 1));
  }

  /** The median of the figure across the runs in {@code resultsDir/BENCHMARK.jsonl}; null when no run has it. */
  Double median(Path resultsDir) {
    return ResultLines.median(ResultLines.values(ResultLines.read(resultsDir.resolve(benchmark + ".jsonl")), figure));
  }

  @Override
  public String toString() {
    return benchmark + ":" + figure;
  }
}

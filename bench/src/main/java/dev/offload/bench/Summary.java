package dev.offload.bench;

import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Locale;

/**
 * Turns the result lines of repeated runs of one benchmark into a markdown table: per figure, the median and the
 * min–max across runs. The median, not the mean, so that one disturbed run does not move the headline figure.
 */
final class Summary {

  private Summary() {
  }

  static String markdownTable(List<JsonObject> runs) {
    if (runs.isEmpty()) {
      return "No run produced figures.\n";
    }
    StringBuilder table = new StringBuilder("| figure | median | min–max |\n|---|---:|---:|\n");
    for (String figure : runs.get(0).fieldNames()) {
      table.append("| ").append(figure).append(" | ").append(cells(ResultLines.values(runs, figure))).append(" |\n");
    }
    return table.toString();
  }

  private static String cells(List<Double> sorted) {
    if (sorted.isEmpty()) {
      return "n/a | n/a";
    }
    return format(ResultLines.median(sorted)) + " | " + format(sorted.get(0)) + "–" + format(sorted.get(sorted.size() - 1));
  }

  /** Counts stay integers; durations get two decimals, enough for sub-millisecond latencies. */
  static String format(double value) {
    return value == Math.rint(value) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.2f", value);
  }
}

package dev.offload.bench;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collections;
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
      List<Double> values = new ArrayList<>();
      for (JsonObject run : runs) {
        Number value = run.getNumber(figure);
        if (value != null) {
          values.add(value.doubleValue());
        }
      }
      table.append("| ").append(figure).append(" | ").append(cells(values)).append(" |\n");
    }
    return table.toString();
  }

  private static String cells(List<Double> values) {
    if (values.isEmpty()) {
      return "n/a | n/a";
    }
    Collections.sort(values);
    int size = values.size();
    double median = size % 2 == 1 ? values.get(size / 2) : (values.get(size / 2 - 1) + values.get(size / 2)) / 2;
    return format(median) + " | " + format(values.get(0)) + "–" + format(values.get(size - 1));
  }

  /** Counts stay integers; durations get two decimals, enough for sub-millisecond latencies. */
  private static String format(double value) {
    return value == Math.rint(value) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.2f", value);
  }
}

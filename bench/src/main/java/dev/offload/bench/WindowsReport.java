package dev.offload.bench;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The windows of a wear benchmark's runs (the JSON lines of {@code --windows-file}) as one markdown table, a row
 * per window. A run's windows are numbered from 0, so a window 0 begins the next run.
 */
final class WindowsReport {

  private WindowsReport() {
  }

  static String markdown(List<JsonObject> windows) {
    if (windows.isEmpty()) {
      return "No windows were recorded.\n";
    }
    StringBuilder table = new StringBuilder(
      "| run | window | seconds | phase | tasks | p50 ms | p99 ms | max ms | dead tuples at its end | autovacuum runs |\n"
        + "|---:|---:|---|---|---:|---:|---:|---:|---:|---:|\n");
    int run = 0;
    for (JsonObject window : windows) {
      if (window.getInteger("window", 0) == 0) {
        run++;
      }
      table.append("| ").append(run)
        .append(" | ").append(cell(window, "window"))
        .append(" | ").append(cell(window, "start_s")).append("–").append(cell(window, "end_s"))
        .append(" | ").append(window.getString("phase", "?"))
        .append(" | ").append(cell(window, "tasks"))
        .append(unstarted(window))
        .append(" | ").append(cell(window, "p50_ms"))
        .append(" | ").append(cell(window, "p99_ms"))
        .append(" | ").append(cell(window, "max_ms"))
        .append(" | ").append(cell(window, "dead_tuples"))
        .append(" | ").append(cell(window, "autovacuum_runs"))
        .append(" |\n");
    }
    return table.toString();
  }

  private static String cell(JsonObject window, String figure) {
    return window.getValue(figure) instanceof Number number ? Summary.format(number.doubleValue()) : "n/a";
  }

  /** Tasks that never started are few or none; when there are some, they show next to the count. */
  private static String unstarted(JsonObject window) {
    int unstarted = window.getInteger("unstarted", 0);
    return unstarted == 0 ? "" : " (" + unstarted + " never started)";
  }
}

package dev.offload.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowsReportTest {

  private static JsonObject window(int index, String phase, Double p99, int unstarted) {
    return new JsonObject().put("window", index).put("start_s", index * 30.0).put("end_s", index * 30.0 + 30)
      .put("phase", phase).put("tasks", 15000).put("unstarted", unstarted).put("p50_ms", 2.5).put("p99_ms", p99)
      .put("max_ms", 80.0).put("dead_tuples", 1234).put("autovacuum_runs", 0);
  }

  @Test
  void each_window_is_a_row_and_window_zero_begins_the_next_run() {
    String table = WindowsReport.markdown(List.of(window(0, "before", 4.0, 0), window(1, "during", 48.25, 0),
      window(0, "before", 5.0, 0)));
    List<String> rows = table.lines().toList();
    assertEquals(5, rows.size());
    assertEquals("| 1 | 0 | 0–30 | before | 15000 | 2.50 | 4 | 80 | 1234 | 0 |", rows.get(2));
    assertEquals("| 1 | 1 | 30–60 | during | 15000 | 2.50 | 48.25 | 80 | 1234 | 0 |", rows.get(3));
    assertTrue(rows.get(4).startsWith("| 2 | 0 |"));
  }

  @Test
  void a_missing_figure_reads_n_a_and_never_started_tasks_show() {
    String table = WindowsReport.markdown(List.of(window(0, "after", null, 3)));
    assertTrue(table.contains("| 15000 (3 never started) | 2.50 | n/a |"), table);
  }

  @Test
  void no_windows_say_so() {
    assertEquals("No windows were recorded.\n", WindowsReport.markdown(List.of()));
  }
}

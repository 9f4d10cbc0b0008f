package dev.offload.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WearWindowsTest {

  private static final long SECOND = 1_000_000_000L;

  private static WearWindows.Sample sample(double seconds, Double millis) {
    return new WearWindows.Sample((long) (seconds * SECOND), millis);
  }

  @Test
  void a_window_is_before_during_or_after_the_span_by_overlap() {
    WearWindows.Span span = new WearWindows.Span(10 * SECOND, 20 * SECOND);
    assertEquals(WearWindows.BEFORE, span.phase(0, 10 * SECOND));
    assertEquals(WearWindows.DURING, span.phase(5 * SECOND, 15 * SECOND));
    assertEquals(WearWindows.DURING, span.phase(10 * SECOND, 20 * SECOND));
    assertEquals(WearWindows.DURING, span.phase(19 * SECOND, 29 * SECOND));
    assertEquals(WearWindows.AFTER, span.phase(20 * SECOND, 30 * SECOND));
  }

  @Test
  void each_task_counts_in_the_window_it_was_sent_in() {
    List<WearWindows.Sample> samples = List.of(sample(0, 1.0), sample(9.999, 2.0), sample(10, 30.0),
      sample(15, 40.0), sample(25, 3.0), sample(30, 500.0));
    List<WearWindows.Window> windows = WearWindows.cut(samples, 10 * SECOND, 3,
      new WearWindows.Span(10 * SECOND, 20 * SECOND), new Long[] {5L, 900L, 40L}, List.of(12 * SECOND));

    assertEquals(3, windows.size());
    assertEquals(2, windows.get(0).latencies().count());
    assertEquals(2.0, windows.get(0).latencies().percentile(99));
    assertEquals(WearWindows.BEFORE, windows.get(0).phase());
    assertEquals(40.0, windows.get(1).latencies().max());
    assertEquals(WearWindows.DURING, windows.get(1).phase());
    assertEquals(1, windows.get(1).autovacuumRuns());
    assertEquals(900L, windows.get(1).deadTuples());
    // The task sent at 30 s is past the last window: left out.
    assertEquals(1, windows.get(2).latencies().count());
    assertEquals(WearWindows.AFTER, windows.get(2).phase());
    assertEquals(0, windows.get(2).autovacuumRuns());
  }

  @Test
  void tasks_that_never_started_are_counted_apart_from_the_percentiles() {
    List<WearWindows.Window> windows = WearWindows.cut(List.of(sample(1, null), sample(2, 7.0)), 10 * SECOND, 1,
      new WearWindows.Span(0, SECOND), new Long[0], List.of());
    assertEquals(1, windows.get(0).unstarted());
    assertEquals(7.0, windows.get(0).latencies().percentile(50));
    assertNull(windows.get(0).deadTuples());
    assertEquals(1, windows.get(0).toJson().getInteger("tasks"));
    assertEquals(1, windows.get(0).toJson().getInteger("unstarted"));
  }

  @Test
  void a_window_without_tasks_has_null_percentiles_not_zero() {
    List<WearWindows.Window> windows = WearWindows.cut(List.of(), SECOND, 1, new WearWindows.Span(0, SECOND),
      new Long[] {1L}, List.of());
    assertNull(windows.get(0).toJson().getValue("p99_ms"));
    assertEquals(0, windows.get(0).toJson().getInteger("tasks"));
  }

  @Test
  void the_p99_is_nearest_rank_over_the_window() {
    List<WearWindows.Sample> samples = new ArrayList<>();
    for (int i = 1; i <= 200; i++) {
      samples.add(sample(i / 100.0, (double) i));
    }
    // 200 tasks in [0, 10 s): the 198th smallest is the p99 (rank ceil(0.99 * 200) = 198).
    List<WearWindows.Window> windows = WearWindows.cut(samples, 10 * SECOND, 1, new WearWindows.Span(0, 0),
      new Long[0], List.of());
    assertEquals(198.0, windows.get(0).latencies().percentile(99));
    assertEquals(100.0, windows.get(0).latencies().percentile(50));
  }

  @Test
  void between_takes_the_started_tasks_sent_in_the_interval() {
    List<WearWindows.Sample> samples = List.of(sample(1, 1.0), sample(2, 2.0), sample(3, null), sample(4, 4.0));
    Latencies latencies = WearWindows.between(samples, 2 * SECOND, 4 * SECOND);
    assertEquals(1, latencies.count());
    assertEquals(2.0, latencies.max());
  }

  @Test
  void max_p99_looks_at_the_windows_of_one_phase_only() {
    List<WearWindows.Sample> samples = List.of(sample(0.5, 100.0), sample(1.5, 20.0), sample(2.5, 30.0),
      sample(3.5, 1.0));
    List<WearWindows.Window> windows = WearWindows.cut(samples, SECOND, 4,
      new WearWindows.Span(SECOND, 3 * SECOND), new Long[] {3L, 9L, 4L, null}, List.of());
    assertEquals(30.0, WearWindows.maxP99(windows, WearWindows.DURING));
    assertEquals(100.0, WearWindows.maxP99(windows, WearWindows.BEFORE));
    assertEquals(9L, WearWindows.maxDeadTuples(windows));
  }

  @Test
  void percent_of_is_null_when_a_figure_is_missing() {
    assertEquals(150.0, WearWindows.percentOf(3.0, 2.0));
    assertNull(WearWindows.percentOf(null, 2.0));
    assertNull(WearWindows.percentOf(3.0, 0.0));
  }
}

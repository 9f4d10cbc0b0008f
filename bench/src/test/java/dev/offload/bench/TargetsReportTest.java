package dev.offload.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetsReportTest {

  @TempDir
  Path dir;

  @Test
  void a_plain_threshold_judges_the_median_of_the_runs() throws IOException {
    runs("drain-1", "{\"tasks_per_s\":30000}", "{\"tasks_per_s\":10000}", "{\"tasks_per_s\":25000}");
    String table = report("drain-1\ttasks_per_s\tmedian\t>=\t20000\tDrain");

    assertTrue(table.contains("| Drain | 25000 | 10000–30000 | PASS |"), table);
  }

  @Test
  void a_relative_threshold_is_the_factor_times_the_other_benchmarks_median() throws IOException {
    runs("drain-1", "{\"tasks_per_s\":70000}", "{\"tasks_per_s\":66000}", "{\"tasks_per_s\":64000}");
    runs("graphile-drain", "{\"tasks_per_s\":50000}", "{\"tasks_per_s\":40000}", "{\"tasks_per_s\":60000}");
    String pass = report("drain-1\ttasks_per_s\tmedian\t>=\t1.3*graphile-drain:tasks_per_s\tRatio");

    assertTrue(pass.contains(
      "| Ratio | 66000 (threshold 1.30 × graphile-drain:tasks_per_s = 65000) | 64000–70000 | PASS |"), pass);

    runs("graphile-drain", "{\"tasks_per_s\":51000}");
    String fail = report("drain-1\ttasks_per_s\tmedian\t>=\t1.3*graphile-drain:tasks_per_s\tRatio");

    assertTrue(fail.contains("(threshold 1.30 × graphile-drain:tasks_per_s = 66300) | 64000–70000 | **FAIL** |"), fail);
  }

  @Test
  void a_relative_upper_bound_with_factor_one_compares_with_the_other_median_itself() throws IOException {
    runs("enqueue-idle", "{\"p99_ms\":3.5}");
    runs("graphile-enqueue", "{\"p99_ms\":4.74}");
    String table = report("enqueue-idle\tp99_ms\tmedian\t<=\t1*graphile-enqueue:p99_ms\tp99");

    assertTrue(table.contains("| p99 | 3.50 (threshold graphile-enqueue:p99_ms = 4.74) | 3.50–3.50 | PASS |"), table);
  }

  @Test
  void a_relative_threshold_without_its_reference_figure_fails() throws IOException {
    runs("drain-1", "{\"tasks_per_s\":70000}");
    String table = report("drain-1\ttasks_per_s\tmedian\t>=\t1.3*graphile-drain:tasks_per_s\tRatio");

    assertTrue(table.contains(
      "| Ratio | 70000 (threshold 1.30 × graphile-drain:tasks_per_s: no figure) | 70000–70000 | **FAIL** |"), table);
  }

  @Test
  void a_malformed_reference_is_rejected() throws IOException {
    runs("drain-1", "{\"tasks_per_s\":70000}");

    assertThrows(IllegalArgumentException.class,
      () -> report("drain-1\ttasks_per_s\tmedian\t>=\t1.3*graphile-drain\tRatio"));
  }

  @Test
  void a_ratio_divides_the_medians() throws IOException {
    runs("drain-1", "{\"tasks_per_s\":66000}", "{\"tasks_per_s\":70000}", "{\"tasks_per_s\":64000}");
    runs("graphile-drain", "{\"tasks_per_s\":40000}", "{\"tasks_per_s\":44000}");

    assertEquals("1.57 (66000 ÷ 42000, medians)", FigureRatio.describe(dir, FigureRef.parse("drain-1:tasks_per_s"),
      FigureRef.parse("graphile-drain:tasks_per_s")));
    assertEquals("n/a (no figure: graphile-enqueue:p99_ms)", FigureRatio.describe(dir,
      FigureRef.parse("drain-1:tasks_per_s"), FigureRef.parse("graphile-enqueue:p99_ms")));
  }

  private void runs(String benchmark, String... lines) throws IOException {
    Files.write(dir.resolve(benchmark + ".jsonl"), List.of(lines));
  }

  private String report(String target) throws IOException {
    Path spec = dir.resolve("targets.tsv");
    Files.writeString(spec, target + "\n");
    return TargetsReport.markdown(spec, dir);
  }
}

package dev.offload.bench;

import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks that every benchmark produced its figures (not their values): each line of the spec names a benchmark and
 * the figures it must report, {@code benchmark figure figure ...}; its result file must hold at least one run, and
 * every run a number for every figure. This is what the CI smoke asserts.
 */
final class FigureCheck {

  private FigureCheck() {
  }

  /** The problems found, one line each; empty when every benchmark produced every figure. */
  static List<String> problems(Path spec, Path resultsDir) {
    List<String> problems = new ArrayList<>();
    for (String line : TargetsReport.lines(spec)) {
      String[] field = line.trim().split("\\s+");
      String benchmark = field[0];
      List<JsonObject> runs = ResultLines.read(resultsDir.resolve(benchmark + ".jsonl"));
      if (runs.isEmpty()) {
        problems.add(benchmark + ": no run produced figures");
        continue;
      }
      for (int i = 0; i < runs.size(); i++) {
        for (int f = 1; f < field.length; f++) {
          if (!(runs.get(i).getValue(field[f]) instanceof Number)) {
            problems.add(String.format("%s: run %d has no figure %s", benchmark, i + 1, field[f]));
          }
        }
      }
    }
    return problems;
  }
}

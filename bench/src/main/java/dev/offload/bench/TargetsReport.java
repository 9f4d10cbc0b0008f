package dev.offload.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The targets table of the report: each target's figure, measured across runs, next to its threshold with PASS or
 * FAIL. A target is one tab-separated line of the spec file:
 * {@code benchmark  figure  median|worst  >=|<=  threshold  label}. {@code median} judges the median of the runs;
 * {@code worst} judges the least favourable run (the highest for {@code <=}, the lowest for {@code >=}), for targets
 * that every run must meet, such as "no errors". The threshold is a number, or {@code FACTOR*BENCHMARK:FIGURE} for a
 * target relative to another benchmark of the same run: FACTOR times the median of that benchmark's figure (e.g.
 * {@code 1.3*graphile-drain:tasks_per_s}). A target whose figure, or whose reference figure, no run produced is a
 * FAIL.
 */
final class TargetsReport {

  private TargetsReport() {
  }

  static String markdown(Path spec, Path resultsDir) {
    StringBuilder table = new StringBuilder("| target | measured | runs (min–max) | result |\n|---|---:|---:|---|\n");
    for (String line : lines(spec)) {
      String[] field = line.split("\t");
      if (field.length != 6) {
        throw new IllegalArgumentException("a target needs 6 tab-separated fields: " + line);
      }
      String benchmark = field[0];
      String figure = field[1];
      boolean worst = switch (field[2]) {
        case "median" -> false;
        case "worst" -> true;
        default -> throw new IllegalArgumentException("median or worst, not " + field[2] + ": " + line);
      };
      boolean atLeast = switch (field[3]) {
        case ">=" -> true;
        case "<=" -> false;
        default -> throw new IllegalArgumentException(">= or <=, not " + field[3] + ": " + line);
      };
      Threshold threshold = Threshold.parse(field[4], resultsDir);
      List<Double> values = ResultLines.values(ResultLines.read(resultsDir.resolve(benchmark + ".jsonl")), figure);
      Double judged = values.isEmpty() ? null
        : worst ? (atLeast ? values.get(0) : values.get(values.size() - 1)) : ResultLines.median(values);
      boolean pass = judged != null && threshold.value() != null
        && (atLeast ? judged >= threshold.value() : judged <= threshold.value());
      table.append("| ").append(field[5])
        .append(" | ").append(judged == null ? "no figure" : Summary.format(judged))
        .append(worst ? " (worst run)" : "")
        .append(threshold.explanation())
        .append(" | ").append(values.isEmpty() ? "n/a"
          : Summary.format(values.get(0)) + "–" + Summary.format(values.get(values.size() - 1)))
        .append(" | ").append(pass ? "PASS" : "**FAIL**").append(" |\n");
    }
    return table.toString();
  }

  /**
   * A target's threshold: {@code value} is null when it refers to a figure that no run produced; {@code explanation}
   * is empty for a plain number, and for a relative one says what it was computed from.
   */
  record Threshold(Double value, String explanation) {

    static Threshold parse(String field, Path resultsDir) {
      int star = field.indexOf('*');
      if (star < 0) {
        return new Threshold(Double.parseDouble(field), "");
      }
      double factor = Double.parseDouble(field.substring(0, star));
      FigureRef reference = FigureRef.parse(field.substring(star + 1));
      Double median = reference.median(resultsDir);
      String of = (factor == 1 ? "" : Summary.format(factor) + " × ") + reference;
      return median == null
        ? new Threshold(null, " (threshold " + of + ": no figure)")
        : new Threshold(factor * median, " (threshold " + of + " = " + Summary.format(factor * median) + ")");
    }
  }

  static List<String> lines(Path spec) {
    try {
      return Files.readAllLines(spec).stream().filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

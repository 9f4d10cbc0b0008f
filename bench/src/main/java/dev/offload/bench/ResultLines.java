package dev.offload.bench;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The result lines of a benchmark's runs (one JSON object per line), and the median or extreme of one figure. */
final class ResultLines {

  private ResultLines() {
  }

  /** The runs in {@code file}; none if the file does not exist (the benchmark never produced a line). */
  static List<JsonObject> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<JsonObject> runs = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).isBlank()) {
        try {
          runs.add(new JsonObject(lines.get(i)));
        } catch (DecodeException e) {
          throw new IllegalArgumentException(file + " line " + (i + 1) + " is not a JSON object: " + lines.get(i));
        }
      }
    }
    return runs;
  }

  /** The numeric values of {@code figure} across runs, sorted; runs without it are left out. */
  static List<Double> values(List<JsonObject> runs, String figure) {
    List<Double> values = new ArrayList<>();
    for (JsonObject run : runs) {
      if (run.getValue(figure) instanceof Number number) {
        values.add(number.doubleValue());
      }
    }
    Collections.sort(values);
    return values;
  }

  /** The median of sorted values (mean of the middle two for an even count); null when empty. */
  static Double median(List<Double> sorted) {
    int size = sorted.size();
    if (size == 0) {
      return null;
    }
    return size % 2 == 1 ? sorted.get(size / 2) : (sorted.get(size / 2 - 1) + sorted.get(size / 2)) / 2;
  }
}

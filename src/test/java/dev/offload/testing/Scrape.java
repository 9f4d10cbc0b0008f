package dev.offload.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One answer of {@code /metrics} in the Prometheus text format, read series by series: the value of
 * a series by its name and exact labels.
 */
public final class Scrape {

  private static final Pattern SERIES =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)");
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

  private record Series(String name, Map<String, String> labels, double value) {}

  private final String text;
  private final List<Series> series = new ArrayList<>();

  public Scrape(String text) {
    this.text = text;
    text.lines()
        .filter(line -> !line.startsWith("#") && !line.isBlank())
        .forEach(
            line -> {
              Matcher matcher = SERIES.matcher(line);
              if (!matcher.matches()) {
                throw new IllegalArgumentException("not a series: " + line);
              }
              Map<String, String> labels = new TreeMap<>();
              if (matcher.group(2) != null) {
                Matcher label = LABEL.matcher(matcher.group(2));
                while (label.find()) {
                  labels.put(label.group(1), label.group(2));
                }
              }
              series.add(
                  new Series(matcher.group(1), labels, Double.parseDouble(matcher.group(3))));
            });
  }

  /** The value of the series {@code name} with exactly {@code labels}, if there is one. */
  public OptionalDouble value(String name, Map<String, String> labels) {
    return series.stream()
        .filter(one -> one.name().equals(name) && one.labels().equals(labels))
        .mapToDouble(Series::value)
        .findFirst();
  }

  /** The labels of every series named {@code name}. */
  public List<Map<String, String>> labelsOf(String name) {
    return series.stream().filter(one -> one.name().equals(name)).map(Series::labels).toList();
  }

  @Override
  public String toString() {
    return text;
  }
}

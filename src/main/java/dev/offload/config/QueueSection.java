package dev.offload.config;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Checks the {@code queues} section, whose keys the user names: {@code {"reports": {"concurrency":
 * 2, "global_concurrency": 8}}}, at least one limit per queue. Apart from {@link ConfigValues},
 * like {@link UpstreamSection}, because the section is checked whole and its errors name the
 * section, not one key.
 */
final class QueueSection {

  static final String SECTION = "queues";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

  /** {@code " (from SOURCE)"}, or empty for the packaged defaults. */
  private final String from;

  private QueueSection(String from) {
    this.from = from;
  }

  /**
   * @param source the file or variable the section came from, or null for the packaged defaults
   */
  static Map<String, QueueLimit> parse(Object section, String source) {
    return new QueueSection(source == null ? "" : " (from " + source + ")").parse(section);
  }

  private Map<String, QueueLimit> parse(Object section) {
    String expectation =
        "a JSON object of queue names to {\"concurrency\": n, \"global_concurrency\": n}";
    if (!(section instanceof JsonObject queues)) {
      throw invalid(expectation);
    }
    Map<String, QueueLimit> limits = new TreeMap<>();
    for (String name : queues.fieldNames()) {
      if (!NAME.matcher(name).matches()
          || !(queues.getValue(name) instanceof JsonObject limit)
          || limit.isEmpty()
          || !Set.of("concurrency", "global_concurrency").containsAll(limit.fieldNames())) {
        throw invalid(expectation + " (queue '" + name + "')");
      }
      limits.put(
          name,
          new QueueLimit(
              limitOf(limit, "concurrency", name), limitOf(limit, "global_concurrency", name)));
    }
    return Map.copyOf(limits);
  }

  private Integer limitOf(JsonObject limit, String key, String queue) {
    Object value = limit.getValue(key);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Integer count) || count < 1 || count > 100_000) {
      throw invalid(key + " of queue '" + queue + "' an integer from 1 to 100000");
    }
    return count;
  }

  private ConfigException invalid(String expectation) {
    return new ConfigException(
        "invalid configuration: " + SECTION + from + " must be " + expectation);
  }
}

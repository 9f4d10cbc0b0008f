package dev.offload.config;

import dev.offload.support.Durations;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Checks the {@code upstreams} section, named freely like {@code queues}: {@code {"todos":
 * {"base_url": "https://...", "timeout": "5s", "retries": 2, "max_concurrency": 64,
 * "breaker_failures": 5, "breaker_reset": "30s"}}}; only {@code base_url} is required. Every error
 * is one line naming the key, e.g. {@code upstreams.todos.timeout}, and where the section came
 * from.
 */
final class UpstreamSection {

  static final String SECTION = "upstreams";

  /**
   * Queue names' characters; no leading dot, so that {@code .} and {@code ..} can never name an
   * upstream.
   */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_:-][A-Za-z0-9_.:-]{0,127}");

  private static final List<String> KEYS =
      List.of(
          "base_url", "timeout", "retries", "max_concurrency", "breaker_failures", "breaker_reset");
  private static final String DURATION_EXAMPLES = " (e.g. 250ms, 2s, 1m)";

  /** {@code " (from SOURCE)"}, or empty for the packaged defaults. */
  private final String from;

  private UpstreamSection(String from) {
    this.from = from;
  }

  /**
   * @param source the file or variable the section came from, or null for the packaged defaults
   */
  static Map<String, UpstreamConfig> parse(Object section, String source) {
    return new UpstreamSection(source == null ? "" : " (from " + source + ")").parse(section);
  }

  private Map<String, UpstreamConfig> parse(Object section) {
    if (!(section instanceof JsonObject upstreams)) {
      throw new ConfigException(
          "invalid configuration: "
              + SECTION
              + from
              + " must be a JSON object of upstream names to {\"base_url\": \"https://...\", ...}, got "
              + ConfigValues.show(section));
    }
    Map<String, UpstreamConfig> configs = new TreeMap<>();
    for (String name : upstreams.fieldNames()) {
      if (!NAME.matcher(name).matches()) {
        throw new ConfigException(
            "invalid configuration: "
                + SECTION
                + from
                + " names an upstream "
                + ConfigValues.show(name)
                + ": use 1 to 128 letters, digits or _ . : - (not starting with .)");
      }
      configs.put(name, upstream(name, upstreams.getValue(name)));
    }
    return Map.copyOf(configs);
  }

  private UpstreamConfig upstream(String name, Object value) {
    String path = SECTION + "." + name;
    if (!(value instanceof JsonObject settings)) {
      throw invalid(
          path,
          "a JSON object with base_url and optional "
              + String.join(", ", KEYS.subList(1, KEYS.size())),
          value);
    }
    for (String key : settings.fieldNames()) {
      if (!KEYS.contains(key)) {
        throw new ConfigException(
            "invalid configuration: unknown key '"
                + path
                + "."
                + key
                + "'"
                + from
                + "; known keys: "
                + String.join(", ", KEYS));
      }
    }
    return new UpstreamConfig(
        name,
        baseUrl(path + ".base_url", settings.getValue("base_url")),
        duration(
            path + ".timeout",
            settings.getValue("timeout", "5s"),
            Duration.ofMillis(100),
            Duration.ofMinutes(5)),
        integer(path + ".retries", settings.getValue("retries", 2), 0, 10),
        integer(path + ".max_concurrency", settings.getValue("max_concurrency", 64), 1, 10_000),
        integer(path + ".breaker_failures", settings.getValue("breaker_failures", 5), 1, 1_000),
        duration(
            path + ".breaker_reset",
            settings.getValue("breaker_reset", "30s"),
            Duration.ofMillis(100),
            Duration.ofHours(1)));
  }

  private URI baseUrl(String path, Object value) {
    String expectation = "an absolute http(s) URL without user info, query or fragment";
    if (value == null) {
      throw new ConfigException(
          "invalid configuration: " + path + from + " is required: " + expectation);
    }
    if (!(value instanceof String text)) {
      throw invalid(path, expectation, value);
    }
    URI url;
    try {
      url = new URI(text);
    } catch (URISyntaxException e) {
      throw invalid(path, expectation, value);
    }
    // getHost() is null for a host Java cannot parse (e.g. with '_'): the client could not reach it
    // either.
    if (url.getScheme() == null
        || !List.of("http", "https").contains(url.getScheme().toLowerCase())
        || url.getHost() == null
        || url.getRawUserInfo() != null
        || url.getRawQuery() != null
        || url.getRawFragment() != null) {
      throw invalid(path, expectation, value);
    }
    // Paths are appended as "/..."; without the trailing slash "https://h/v1/" and "https://h/v1"
    // mean the same.
    return URI.create(text.replaceAll("/+$", ""));
  }

  private int integer(String path, Object value, int min, int max) {
    if (!(value instanceof Integer number) || number < min || number > max) {
      throw invalid(path, "an integer between " + min + " and " + max, value);
    }
    return number;
  }

  private Duration duration(String path, Object value, Duration min, Duration max) {
    String expectation =
        "a duration between "
            + Durations.format(min)
            + " and "
            + Durations.format(max)
            + DURATION_EXAMPLES;
    if (!(value instanceof String) && !(value instanceof Number)) {
      throw invalid(path, expectation, value);
    }
    try {
      return Durations.parse(String.valueOf(value), min, max);
    } catch (IllegalArgumentException e) {
      throw invalid(path, expectation, value);
    }
  }

  private ConfigException invalid(String path, String expectation, Object value) {
    return new ConfigException(
        "invalid configuration: "
            + path
            + from
            + " must be "
            + expectation
            + ", got "
            + ConfigValues.show(value));
  }
}

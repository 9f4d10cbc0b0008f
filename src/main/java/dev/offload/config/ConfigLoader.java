package dev.offload.config;

import dev.offload.support.Durations;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Builds the configuration: the defaults shipped as {@code conf/config.json}, then an optional
 * {@code --conf FILE} merged over them, then environment variables, then command-line arguments,
 * which win. Every environment variable is named after its key ({@code http.port} is {@code
 * OFFLOAD_HTTP_PORT}); {@code OFFLOAD_LEASE}, {@code OFFLOAD_ROLE} and {@code OFFLOAD_API_TOKEN}
 * are short aliases. The {@code queues} and {@code upstreams} sections are named freely ({@code
 * {"reports": {"concurrency": 2}}}) and taken whole from the last place that sets them; their
 * variables {@code OFFLOAD_QUEUES} and {@code OFFLOAD_UPSTREAMS} hold that JSON object. Every value
 * is validated here, once, so a bad one stops start-up with one line naming the key.
 */
public final class ConfigLoader {

  static final String DEFAULTS_RESOURCE = "conf/config.json";
  private static final Map<String, String> ENV_ALIASES =
      Map.of(
          "OFFLOAD_LEASE", "tasks.lease",
          "OFFLOAD_ROLE", "node.role",
          "OFFLOAD_API_TOKEN", "http.api_token");
  private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,47}");
  private static final Pattern QUEUE = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
  private static final String QUEUES = "queues";

  /**
   * Sections whose keys the user names: taken whole, never merged key by key, and checked in
   * build().
   */
  private static final List<String> NAMED_SECTIONS = List.of(QUEUES, UpstreamSection.SECTION);

  private static final Duration DAY = Duration.ofDays(1);

  private final JsonObject values;

  /** Where each overridden key came from, so an error can point at the file or variable to fix. */
  private final Map<String, String> sources = new HashMap<>();

  private ConfigLoader(JsonObject defaults) {
    this.values = defaults;
  }

  public static OffloadConfig load(Optional<Path> confFile, Map<String, String> env) {
    return load(confFile, env, Map.of());
  }

  /**
   * @param arguments values given on the command line, by key (e.g. {@code node.role}) and flag
   *     name
   */
  public static OffloadConfig load(
      Optional<Path> confFile, Map<String, String> env, Map<String, Argument> arguments) {
    ConfigLoader loader = new ConfigLoader(readDefaults());
    confFile.ifPresent(loader::mergeFile);
    loader.mergeEnvironment(env);
    arguments.forEach((path, argument) -> loader.set(path, argument.value(), argument.flag()));
    return loader.build();
  }

  /** A configuration value from a command-line flag such as {@code --role}. */
  public record Argument(String flag, String value) {}

  private static JsonObject readDefaults() {
    try (InputStream in =
        ConfigLoader.class.getClassLoader().getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the classpath");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void mergeFile(Path file) {
    JsonObject overrides;
    try {
      overrides = new JsonObject(Files.readString(file));
    } catch (IOException e) {
      throw new ConfigException("cannot read --conf " + file + ": " + oneLine(e.getMessage()));
    } catch (DecodeException e) {
      // Jackson's messages put the line and column on a second line.
      throw new ConfigException(
          "--conf " + file + " is not a JSON object: " + oneLine(e.getMessage()));
    }
    for (String section : overrides.fieldNames()) {
      if (NAMED_SECTIONS.contains(section)) {
        values.put(section, overrides.getValue(section));
        sources.put(section, file.toString());
        continue;
      }
      JsonObject target = values.getJsonObject(section);
      if (target == null) {
        throw new ConfigException("unknown configuration section '" + section + "' in " + file);
      }
      if (!(overrides.getValue(section) instanceof JsonObject given)) {
        throw new ConfigException(section + " in " + file + " must be a JSON object");
      }
      for (String key : given.fieldNames()) {
        if (!target.containsKey(key)) {
          throw new ConfigException(
              "unknown configuration key '" + section + "." + key + "' in " + file);
        }
        target.put(key, given.getValue(key));
        sources.put(section + "." + key, file.toString());
      }
    }
  }

  private void mergeEnvironment(Map<String, String> env) {
    // Aliases first, so that the full name wins when both are set.
    ENV_ALIASES.forEach((variable, path) -> mergeVariable(env, variable, path));
    for (String section : values.fieldNames()) {
      if (NAMED_SECTIONS.contains(section)) {
        continue;
      }
      for (String key : values.getJsonObject(section).fieldNames()) {
        mergeVariable(env, ("OFFLOAD_" + section + "_" + key).toUpperCase(), section + "." + key);
      }
    }
    for (String section : NAMED_SECTIONS) {
      String variable = "OFFLOAD_" + section.toUpperCase();
      String json = env.get(variable);
      if (json != null) {
        try {
          values.put(section, new JsonObject(json));
        } catch (DecodeException e) {
          values.put(section, json); // reported by build(), naming the variable
        }
        sources.put(section, variable);
      }
    }
  }

  private void mergeVariable(Map<String, String> env, String variable, String path) {
    String value = env.get(variable);
    if (value != null) {
      set(path, value, variable);
    }
  }

  private void set(String path, String value, String source) {
    String[] parts = path.split("\\.");
    JsonObject section = values.getJsonObject(parts[0]);
    // A list key (such as outbound.allowed_hosts) takes a comma-separated variable.
    section.put(
        parts[1],
        section.getValue(parts[1]) instanceof JsonArray
            ? new JsonArray(
                Arrays.stream(value.split(","))
                    .map(String::trim)
                    .filter(s -> !s.isEmpty())
                    .toList())
            : value);
    sources.put(path, source);
  }

  private OffloadConfig build() {
    HttpConfig http =
        new HttpConfig(
            text("http.host"),
            integer("http.port", 0, 65_535),
            integer("http.instances", 1, 64),
            integer("http.body_limit", 1024, 64 * 1024 * 1024),
            integer("http.accept_backlog", 1, 65_535),
            text("http.api_token").trim(),
            integer("http.upload_limit", 1024, Integer.MAX_VALUE));
    DatabaseConfig database =
        new DatabaseConfig(
            databaseUrl("database.url"),
            matching("database.schema", SCHEMA, "a lowercase SQL identifier"),
            integer("database.pool_size", 1, 256),
            duration("database.retry_interval", Duration.ofMillis(100), Duration.ofMinutes(5)));
    WorkerConfig worker =
        new WorkerConfig(
            integer("worker.instances", 0, 1024), integer("worker.async_concurrency", 0, 100_000));
    TaskConfig tasks =
        new TaskConfig(
            duration("tasks.lease", Duration.ofSeconds(1), Duration.ofHours(1)),
            duration("tasks.poll_interval", Duration.ofMillis(50), Duration.ofMinutes(5)),
            duration("tasks.default_timeout", Duration.ofSeconds(1), DAY),
            integer("tasks.default_max_attempts", 1, 1000),
            duration("tasks.retry_base", Duration.ofMillis(1), DAY),
            duration("tasks.retry_cap", Duration.ofMillis(1), Duration.ofDays(30)),
            duration("tasks.progress_interval", Duration.ofMillis(50), Duration.ofMinutes(1)),
            duration("tasks.retention", Duration.ofSeconds(1), Duration.ofDays(3650)),
            duration("tasks.retention_interval", Duration.ofMillis(100), DAY));
    NodeConfig node =
        new NodeConfig(
            text("node.id").isBlank() ? defaultNodeId() : text("node.id"),
            role("node.role"),
            duration("node.shutdown_grace", Duration.ZERO, Duration.ofMinutes(10)));
    return new OffloadConfig(
        node,
        http,
        database,
        worker,
        tasks,
        queues(),
        UpstreamSection.parse(
            values.getValue(UpstreamSection.SECTION), sources.get(UpstreamSection.SECTION)),
        allowedHosts("outbound.allowed_hosts"));
  }

  private Map<String, QueueLimit> queues() {
    String expectation =
        "a JSON object of queue names to {\"concurrency\": n, \"global_concurrency\": n}";
    if (!(values.getValue(QUEUES) instanceof JsonObject queues)) {
      throw invalidQueues(expectation);
    }
    Map<String, QueueLimit> limits = new TreeMap<>();
    for (String name : queues.fieldNames()) {
      if (!QUEUE.matcher(name).matches()
          || !(queues.getValue(name) instanceof JsonObject limit)
          || limit.isEmpty()
          || !Set.of("concurrency", "global_concurrency").containsAll(limit.fieldNames())) {
        throw invalidQueues(expectation + " (queue '" + name + "')");
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
      throw invalidQueues(key + " of queue '" + queue + "' an integer from 1 to 100000");
    }
    return count;
  }

  private ConfigException invalidQueues(String expectation) {
    String source = sources.containsKey(QUEUES) ? " (from " + sources.get(QUEUES) + ")" : "";
    return new ConfigException(
        "invalid configuration: queues" + source + " must be " + expectation);
  }

  private Object raw(String path) {
    String[] parts = path.split("\\.");
    return values.getJsonObject(parts[0]).getValue(parts[1]);
  }

  private ConfigException invalid(String path, String expectation) {
    String source = sources.containsKey(path) ? " (from " + sources.get(path) + ")" : "";
    return new ConfigException(
        "invalid configuration: "
            + path
            + source
            + " must be "
            + expectation
            + ", got "
            + show(raw(path)));
  }

  private String text(String path) {
    if (!(raw(path) instanceof String value)) {
      throw invalid(path, "a string");
    }
    return value;
  }

  private String matching(String path, Pattern pattern, String description) {
    String value = raw(path) instanceof String s ? s : "";
    if (!pattern.matcher(value).matches()) {
      throw invalid(path, description);
    }
    return value;
  }

  private AllowedHosts allowedHosts(String path) {
    if (!(raw(path) instanceof JsonArray list)
        || !list.stream().allMatch(String.class::isInstance)) {
      throw invalid(path, "a list of host or host:port strings");
    }
    try {
      return AllowedHosts.of(list.stream().map(String.class::cast).toList());
    } catch (IllegalArgumentException e) {
      throw invalid(path, "a list of host or host:port (" + e.getMessage() + ")");
    }
  }

  private NodeRole role(String path) {
    for (NodeRole role : NodeRole.values()) {
      if (role.wireName().equals(raw(path))) {
        return role;
      }
    }
    throw invalid(path, "one of api, worker, all");
  }

  private int integer(String path, int min, int max) {
    String expectation = "an integer between " + min + " and " + max;
    Object value = raw(path);
    long number;
    if (value instanceof Integer || value instanceof Long) {
      number = ((Number) value).longValue();
    } else if (value instanceof String s && s.trim().matches("-?\\d{1,10}")) {
      number = Long.parseLong(s.trim());
    } else {
      throw invalid(path, expectation);
    }
    if (number < min || number > max) {
      throw invalid(path, expectation);
    }
    return (int) number;
  }

  private Duration duration(String path, Duration min, Duration max) {
    Object value = raw(path);
    String expectation =
        "a duration between "
            + Durations.format(min)
            + " and "
            + Durations.format(max)
            + " (e.g. 250ms, 2s, 1m)";
    if (!(value instanceof String) && !(value instanceof Number)) {
      throw invalid(path, expectation);
    }
    try {
      return Durations.parse(String.valueOf(value), min, max);
    } catch (IllegalArgumentException e) {
      throw invalid(path, expectation);
    }
  }

  private String databaseUrl(String path) {
    String value = text(path);
    if (!value.startsWith("postgresql://") && !value.startsWith("postgres://")) {
      throw invalid(path, "a postgresql:// URL");
    }
    try {
      io.vertx.pgclient.PgConnectOptions.fromUri(value);
    } catch (RuntimeException e) {
      throw invalid(path, "a valid postgresql:// URL");
    }
    return value;
  }

  private static String defaultNodeId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "node";
    }
    return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
  }

  private static String oneLine(String text) {
    return String.valueOf(text).replaceAll("\\s*\\R\\s*", " ");
  }

  /** Renders a bad value for an error line: on one line, hiding the credentials of a URL. */
  static String show(Object value) {
    String text = value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    return text.replace("\r", "\\r")
        .replace("\n", "\\n")
        // User info up to the last '@': an invalid URL often is one whose password holds a raw '/'
        // or '@'.
        .replaceAll("://.*@", "://***@")
        // libpq also takes the password as a query parameter.
        .replaceAll("(?i)(password=)[^&\"]*", "$1***");
  }
}

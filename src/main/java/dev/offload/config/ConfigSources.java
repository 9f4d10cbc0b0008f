package dev.offload.config;

import dev.offload.config.ConfigLoader.Argument;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Merges the places a value can come from, lowest precedence first: the defaults shipped as {@code
 * conf/config.json}, then an optional {@code --conf FILE} merged over them, then environment
 * variables, then command-line arguments, which win. Every environment variable is named after its
 * key ({@code http.port} is {@code OFFLOAD_HTTP_PORT}); {@code OFFLOAD_LEASE}, {@code
 * OFFLOAD_ROLE}, {@code OFFLOAD_API_TOKEN} and {@code OFFLOAD_TOKENS} are short aliases, beaten by
 * the full name. The {@code queues} and {@code upstreams} sections are named freely ({@code
 * {"reports": {"concurrency": 2}}}) and taken whole from the last place that sets them; their
 * variables {@code OFFLOAD_QUEUES} and {@code OFFLOAD_UPSTREAMS} hold that JSON object.
 *
 * <p>Apart from {@link ConfigValues}, which checks the merged values, so that the precedence rules
 * can be read in one place. Only the shape is checked here: an unknown section or key in the file.
 * Each overridden key remembers where it came from, so an error can point at the file or variable
 * to fix.
 */
final class ConfigSources {

  private static final String DEFAULTS_RESOURCE = "conf/config.json";
  private static final Map<String, String> ENV_ALIASES =
      Map.of(
          "OFFLOAD_LEASE", "tasks.lease",
          "OFFLOAD_ROLE", "node.role",
          "OFFLOAD_API_TOKEN", "http.api_token",
          "OFFLOAD_TOKENS", TokenSection.KEY);

  /**
   * Sections whose keys the user names: taken whole, never merged key by key, and checked by their
   * own parsers.
   */
  private static final List<String> NAMED_SECTIONS =
      List.of(QueueSection.SECTION, UpstreamSection.SECTION);

  private final JsonObject values;

  /** Where each overridden key came from: a file, a variable or a flag. */
  private final Map<String, String> sources = new HashMap<>();

  private ConfigSources(JsonObject defaults) {
    this.values = defaults;
  }

  /**
   * @param arguments values given on the command line, by key (e.g. {@code node.role}) and flag
   *     name
   */
  static ConfigSources merge(
      Optional<Path> confFile, Map<String, String> env, Map<String, Argument> arguments) {
    ConfigSources merged = new ConfigSources(readDefaults());
    confFile.ifPresent(merged::mergeFile);
    merged.mergeEnvironment(env);
    arguments.forEach((path, argument) -> merged.set(path, argument.value(), argument.flag()));
    return merged;
  }

  /** The value of a key such as {@code http.port}. */
  Object value(String path) {
    String[] parts = path.split("\\.");
    return values.getJsonObject(parts[0]).getValue(parts[1]);
  }

  /** A whole section, such as {@code queues}: a JSON object unless a user gave something else. */
  Object section(String name) {
    return values.getValue(name);
  }

  /**
   * The file, variable or flag that set a key or a named section, or null for the packaged
   * defaults.
   */
  String source(String path) {
    return sources.get(path);
  }

  private static JsonObject readDefaults() {
    try (InputStream in =
        ConfigSources.class.getClassLoader().getResourceAsStream(DEFAULTS_RESOURCE)) {
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
          values.put(section, json); // reported by the section's parser, naming the variable
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

  private static String oneLine(String text) {
    return String.valueOf(text).replaceAll("\\s*\\R\\s*", " ");
  }
}

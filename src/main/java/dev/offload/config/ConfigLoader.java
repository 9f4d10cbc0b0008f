package dev.offload.config;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Builds the configuration: merges its sources ({@link ConfigSources}: defaults, {@code --conf
 * FILE}, environment, command line, in that order of precedence), then turns every key into the
 * typed records, each value checked here, once ({@link ConfigValues}, {@link QueueSection}, {@link
 * UpstreamSection}, {@link TokenSection}), so a bad one stops start-up with one line naming the
 * key. This class holds what each key must be: its bounds, and which record it goes to.
 */
public final class ConfigLoader {

  private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,47}");
  private static final Duration DAY = Duration.ofDays(1);

  private ConfigLoader() {}

  public static OffloadConfig load(Optional<Path> confFile, Map<String, String> env) {
    return load(confFile, env, Map.of());
  }

  /**
   * @param arguments values given on the command line, by key (e.g. {@code node.role}) and flag
   *     name
   */
  public static OffloadConfig load(
      Optional<Path> confFile, Map<String, String> env, Map<String, Argument> arguments) {
    return build(ConfigSources.merge(confFile, env, arguments));
  }

  /** A configuration value from a command-line flag such as {@code --role}. */
  public record Argument(String flag, String value) {}

  private static OffloadConfig build(ConfigSources sources) {
    ConfigValues values = new ConfigValues(sources);
    HttpConfig http =
        new HttpConfig(
            values.text("http.host"),
            values.integer("http.port", 0, 65_535),
            values.integer("http.instances", 1, 64),
            values.integer("http.body_limit", 1024, 64 * 1024 * 1024),
            values.integer("http.accept_backlog", 1, 65_535),
            TokenSection.parse(
                sources.value(TokenSection.KEY),
                sources.source(TokenSection.KEY),
                values.text("http.api_token").trim()),
            values.integer("http.upload_limit", 1024, Integer.MAX_VALUE),
            values.serverTls("http.tls_cert_path", "http.tls_key_path"),
            values.origins("http.cors_allowed_origins"),
            new ConnectionConfig(
                values.duration("http.header_timeout", Duration.ofMillis(100), Duration.ofHours(1)),
                values.duration(
                    "http.keep_alive_timeout", Duration.ofMillis(100), Duration.ofHours(1)),
                values.duration("http.body_timeout", Duration.ofSeconds(1), DAY),
                values.duration("http.idle_timeout", Duration.ofMillis(100), Duration.ofHours(1)),
                values.integer("http.max_connections", 1, 1_000_000),
                values.integer("http.max_connections_per_client", 1, 1_000_000),
                values.integer("http.health_connections", 0, 10_000)));
    DatabaseConfig database =
        new DatabaseConfig(
            values.databaseUrl("database.url"),
            values.matching("database.schema", SCHEMA, "a lowercase SQL identifier"),
            values.integer("database.pool_size", 1, 256),
            values.integer("database.max_wait_queue", 0, 1_000_000),
            values.duration(
                "database.retry_interval", Duration.ofMillis(100), Duration.ofMinutes(5)));
    WorkerConfig worker =
        new WorkerConfig(
            values.integer("worker.instances", 0, 1024),
            values.integer("worker.async_concurrency", 0, 100_000));
    TaskConfig tasks =
        new TaskConfig(
            values.duration("tasks.lease", Duration.ofSeconds(1), Duration.ofHours(1)),
            values.duration("tasks.poll_interval", Duration.ofMillis(50), Duration.ofMinutes(5)),
            values.duration("tasks.default_timeout", Duration.ofSeconds(1), DAY),
            values.integer("tasks.default_max_attempts", 1, 1000),
            values.integer("tasks.submit_queue", 1, 100_000),
            values.duration("tasks.retry_base", Duration.ofMillis(1), DAY),
            values.duration("tasks.retry_cap", Duration.ofMillis(1), Duration.ofDays(30)),
            values.duration(
                "tasks.progress_interval", Duration.ofMillis(50), Duration.ofMinutes(1)),
            values.duration("tasks.retention", Duration.ofSeconds(1), Duration.ofDays(3650)),
            values.duration("tasks.retention_interval", Duration.ofMillis(100), DAY),
            values.integer("tasks.payload_limit", 1024, 64 * 1024 * 1024));
    NodeConfig node =
        new NodeConfig(
            values.text("node.id").isBlank() ? defaultNodeId() : values.text("node.id"),
            values.role("node.role"),
            values.duration("node.shutdown_grace", Duration.ZERO, Duration.ofMinutes(10)),
            values.duration(
                "node.max_event_loop_block", Duration.ofMillis(10), Duration.ofMinutes(1)));
    return new OffloadConfig(
        node,
        http,
        database,
        worker,
        tasks,
        QueueSection.parse(
            sources.section(QueueSection.SECTION), sources.source(QueueSection.SECTION)),
        UpstreamSection.parse(
            sources.section(UpstreamSection.SECTION), sources.source(UpstreamSection.SECTION)),
        values.allowedHosts("outbound.allowed_hosts"),
        values.logFormat("log.format"),
        values.duration("metrics.queue_interval", Duration.ofMillis(100), Duration.ofHours(1)));
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
}

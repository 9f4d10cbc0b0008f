package dev.offload.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.support.LogFormat;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {

  private static final Map<String, String> NO_ENV = Map.of();

  @TempDir Path dir;

  private Path confFile(String json) throws IOException {
    Path file = Files.createTempFile(dir, "offload", ".json");
    Files.writeString(file, json);
    return file;
  }

  private static OffloadConfig fromEnv(Map<String, String> env) {
    return ConfigLoader.load(Optional.empty(), env);
  }

  /**
   * Asserts the failure is one line naming the key and where the value came from; returns the
   * message.
   */
  private static String assertInvalid(Executable load, String key, String source) {
    ConfigException e = assertThrows(ConfigException.class, load);
    String message = e.getMessage();
    assertFalse(message.contains("\n") || message.contains("\r"), "one line: " + message);
    assertTrue(message.contains(key), "names " + key + ": " + message);
    assertTrue(message.contains(source), "names " + source + ": " + message);
    return message;
  }

  @Nested
  class Defaults {

    @Test
    void come_from_conf_config_json() {
      OffloadConfig config = fromEnv(NO_ENV);
      assertEquals("127.0.0.1", config.http().host());
      assertEquals(8080, config.http().port());
      assertEquals(2, config.http().instances());
      assertEquals(1_048_576, config.http().bodyLimit());
      assertEquals("postgresql://postgres@127.0.0.1:5432/offload", config.database().url());
      assertEquals("public", config.database().schema());
      assertEquals(1000, config.database().maxWaitQueue());
      assertEquals(256, config.tasks().submitQueue());
      assertEquals(8, config.worker().instances());
      assertEquals(Duration.ofSeconds(60), config.tasks().lease());
      assertEquals(Duration.ofMinutes(30), config.tasks().defaultTimeout());
      assertEquals(5, config.tasks().defaultMaxAttempts());
      assertEquals(Duration.ofHours(1), config.tasks().retryCap());
      assertEquals(Duration.ofSeconds(2), config.node().maxEventLoopBlock());
      assertEquals(LogFormat.PLAIN, config.logFormat());
      assertEquals(Duration.ofSeconds(10), config.queueMetricsInterval());
    }

    @Test
    void an_empty_node_id_becomes_a_generated_one() {
      assertFalse(fromEnv(NO_ENV).nodeId().isBlank());
    }
  }

  @Nested
  class ConfFile {

    @Test
    void merges_over_the_defaults_key_by_key() throws IOException {
      Path file =
          confFile(
              """
          {"http": {"port": 9090}, "tasks": {"lease": "30s"}}""");
      OffloadConfig config = ConfigLoader.load(Optional.of(file), NO_ENV);
      assertEquals(9090, config.http().port());
      assertEquals("127.0.0.1", config.http().host());
      assertEquals(2, config.http().instances());
      assertEquals(Duration.ofSeconds(30), config.tasks().lease());
      assertEquals(Duration.ofSeconds(1), config.tasks().pollInterval());
    }

    @Test
    void may_choose_the_log_format() throws IOException {
      Path file =
          confFile(
              """
          {"log": {"format": "json"}}""");
      assertEquals(LogFormat.JSON, ConfigLoader.load(Optional.of(file), NO_ENV).logFormat());
    }

    @Test
    void reads_a_json_number_as_seconds_for_a_duration() throws IOException {
      Path file =
          confFile(
              """
          {"tasks": {"lease": 45}}""");
      assertEquals(
          Duration.ofSeconds(45), ConfigLoader.load(Optional.of(file), NO_ENV).tasks().lease());
    }

    @Test
    void loses_to_the_environment() throws IOException {
      Path file =
          confFile(
              """
          {"http": {"port": 9090, "host": "0.0.0.0"}}""");
      OffloadConfig config =
          ConfigLoader.load(Optional.of(file), Map.of("OFFLOAD_HTTP_PORT", "9191"));
      assertEquals(9191, config.http().port());
      assertEquals("0.0.0.0", config.http().host());
    }
  }

  @Nested
  class Environment {

    @Test
    void OFFLOAD_HTTP_HOST_sets_the_host() {
      assertEquals("0.0.0.0", fromEnv(Map.of("OFFLOAD_HTTP_HOST", "0.0.0.0")).http().host());
    }

    @Test
    void OFFLOAD_LOG_FORMAT_sets_the_log_format() {
      assertEquals(LogFormat.JSON, fromEnv(Map.of("OFFLOAD_LOG_FORMAT", "json")).logFormat());
    }

    @Test
    void OFFLOAD_METRICS_QUEUE_INTERVAL_sets_how_often_queues_are_counted() {
      assertEquals(
          Duration.ofSeconds(30),
          fromEnv(Map.of("OFFLOAD_METRICS_QUEUE_INTERVAL", "30s")).queueMetricsInterval());
    }

    @Test
    void OFFLOAD_HTTP_PORT_sets_the_port() {
      assertEquals(9000, fromEnv(Map.of("OFFLOAD_HTTP_PORT", "9000")).http().port());
    }

    @Test
    void OFFLOAD_HTTP_PORT_may_be_0_for_any_free_port() {
      assertEquals(0, fromEnv(Map.of("OFFLOAD_HTTP_PORT", "0")).http().port());
    }

    @Test
    void OFFLOAD_DATABASE_URL_sets_the_database_url() {
      String url = "postgres://offload:pw@db.internal:6543/tasks";
      assertEquals(url, fromEnv(Map.of("OFFLOAD_DATABASE_URL", url)).database().url());
    }

    @Test
    void OFFLOAD_HTTP_INSTANCES_sets_the_http_verticle_count() {
      assertEquals(6, fromEnv(Map.of("OFFLOAD_HTTP_INSTANCES", "6")).http().instances());
    }

    @Test
    void OFFLOAD_WORKER_INSTANCES_sets_the_worker_count_and_may_be_0() {
      assertEquals(32, fromEnv(Map.of("OFFLOAD_WORKER_INSTANCES", "32")).worker().instances());
      assertEquals(0, fromEnv(Map.of("OFFLOAD_WORKER_INSTANCES", "0")).worker().instances());
    }

    @Test
    void OFFLOAD_LEASE_sets_the_task_lease() {
      assertEquals(Duration.ofSeconds(15), fromEnv(Map.of("OFFLOAD_LEASE", "15s")).tasks().lease());
    }

    @Test
    void the_role_is_all_by_default_and_OFFLOAD_ROLE_sets_it() {
      assertEquals(NodeRole.ALL, fromEnv(Map.of()).node().role());
      assertEquals(NodeRole.WORKER, fromEnv(Map.of("OFFLOAD_ROLE", "worker")).node().role());
    }

    @Test
    void the_role_argument_wins_over_the_environment() {
      OffloadConfig config =
          ConfigLoader.load(
              Optional.empty(),
              Map.of("OFFLOAD_ROLE", "worker"),
              Map.of("node.role", new ConfigLoader.Argument("--role", "api")));
      assertEquals(NodeRole.API, config.node().role());
    }

    @Test
    void a_bad_role_argument_is_one_line_naming_the_flag() {
      ConfigException e =
          assertThrows(
              ConfigException.class,
              () ->
                  ConfigLoader.load(
                      Optional.empty(),
                      Map.of(),
                      Map.of("node.role", new ConfigLoader.Argument("--role", "boss"))));
      assertEquals(
          "invalid configuration: node.role (from --role) must be one of api, worker, all, got \"boss\"",
          e.getMessage());
    }

    @Test
    void the_api_token_comes_from_OFFLOAD_API_TOKEN_with_every_scope_and_is_never_printed() {
      OffloadConfig config = fromEnv(Map.of("OFFLOAD_API_TOKEN", " s3cret "));
      ApiTokens.Token token = config.http().tokens().find("s3cret").orElseThrow();
      assertEquals(ApiTokens.API_TOKEN_NAME, token.name());
      assertEquals(EnumSet.allOf(Scope.class), token.scopes());
      assertFalse(config.toString().contains("s3cret"), config.toString());
    }

    @Test
    void queue_limits_come_from_OFFLOAD_QUEUES() {
      OffloadConfig config =
          fromEnv(
              Map.of(
                  "OFFLOAD_QUEUES",
                  "{\"reports\": {\"concurrency\": 2}, \"mail\": {\"global_concurrency\": 10}}"));
      assertEquals(new QueueLimit(2, null), config.queues().get("reports"));
      assertEquals(new QueueLimit(null, 10), config.queues().get("mail"));
      assertTrue(fromEnv(Map.of()).queues().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "not json",
          "[1]",
          "{\"r\": 2}",
          "{\"r\": {}}",
          "{\"r\": {\"concurrency\": 0}}",
          "{\"r\": {\"concurrency\": 1.5}}",
          "{\"r\": {\"limit\": 2}}",
          "{\"bad name\": {\"concurrency\": 1}}"
        })
    void bad_queue_limits_are_one_line_naming_queues_and_the_variable(String queues) {
      ConfigException e =
          assertThrows(ConfigException.class, () -> fromEnv(Map.of("OFFLOAD_QUEUES", queues)));
      assertTrue(
          e.getMessage().startsWith("invalid configuration: queues (from OFFLOAD_QUEUES) must be "),
          e.getMessage());
      assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void allowed_hosts_come_from_a_comma_separated_variable() {
      OffloadConfig config =
          fromEnv(Map.of("OFFLOAD_OUTBOUND_ALLOWED_HOSTS", "hooks.example.com, 127.0.0.1:9000"));
      config.allowedHosts().check("https://hooks.example.com/x");
      config.allowedHosts().check("http://127.0.0.1:9000/x");
      assertThrows(
          IllegalArgumentException.class,
          () -> fromEnv(Map.of()).allowedHosts().check("https://hooks.example.com/"));
    }

    @Test
    void a_bad_allowed_host_is_one_line_naming_the_key() {
      ConfigException e =
          assertThrows(
              ConfigException.class,
              () -> fromEnv(Map.of("OFFLOAD_OUTBOUND_ALLOWED_HOSTS", "https://x.example.com")));
      assertTrue(
          e.getMessage()
              .startsWith(
                  "invalid configuration: outbound.allowed_hosts (from OFFLOAD_OUTBOUND_ALLOWED_HOSTS)"),
          e.getMessage());
    }

    @Test
    void the_full_variable_name_wins_over_the_OFFLOAD_LEASE_alias() {
      assertEquals(
          Duration.ofSeconds(20),
          fromEnv(Map.of("OFFLOAD_LEASE", "15s", "OFFLOAD_TASKS_LEASE", "20s")).tasks().lease());
    }

    @Test
    void numbers_may_carry_surrounding_whitespace() {
      assertEquals(9000, fromEnv(Map.of("OFFLOAD_HTTP_PORT", " 9000 ")).http().port());
    }

    @Test
    void variables_of_other_programs_are_ignored() {
      assertEquals(8080, fromEnv(Map.of("PORT", "1", "OFFLOAD_UNKNOWN", "x")).http().port());
    }
  }

  @Nested
  class InvalidValues {

    static Stream<Arguments> bad_environment() {
      return Stream.of(
          Arguments.of("OFFLOAD_HTTP_PORT", "abc", "http.port"),
          Arguments.of("OFFLOAD_HTTP_PORT", "70000", "http.port"),
          Arguments.of("OFFLOAD_HTTP_PORT", "-1", "http.port"),
          Arguments.of("OFFLOAD_HTTP_PORT", "80.5", "http.port"),
          Arguments.of("OFFLOAD_HTTP_PORT", "99999999999", "http.port"),
          Arguments.of("OFFLOAD_HTTP_INSTANCES", "-1", "http.instances"),
          Arguments.of("OFFLOAD_HTTP_INSTANCES", "0", "http.instances"),
          Arguments.of("OFFLOAD_WORKER_INSTANCES", "-1", "worker.instances"),
          Arguments.of("OFFLOAD_LEASE", "forever", "tasks.lease"),
          Arguments.of("OFFLOAD_LEASE", "0s", "tasks.lease"),
          Arguments.of("OFFLOAD_LEASE", "2h", "tasks.lease"),
          Arguments.of("OFFLOAD_DATABASE_SCHEMA", "my-schema", "database.schema"),
          Arguments.of("OFFLOAD_DATABASE_URL", "mysql://127.0.0.1/offload", "database.url"),
          Arguments.of("OFFLOAD_DATABASE_URL", "127.0.0.1:5432", "database.url"),
          Arguments.of("OFFLOAD_LOG_FORMAT", "JSON", "log.format"),
          Arguments.of("OFFLOAD_LOG_FORMAT", "logfmt", "log.format"),
          Arguments.of("OFFLOAD_METRICS_QUEUE_INTERVAL", "10ms", "metrics.queue_interval"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("bad_environment")
    void an_invalid_variable_fails_on_one_line_naming_the_key_and_the_variable(
        String variable, String value, String key) {
      assertInvalid(() -> fromEnv(Map.of(variable, value)), key, variable);
    }

    @Test
    void an_invalid_value_in_the_conf_file_names_the_key_and_the_file() throws IOException {
      Path file =
          confFile(
              """
          {"http": {"port": "abc"}}""");
      assertInvalid(
          () -> ConfigLoader.load(Optional.of(file), NO_ENV), "http.port", file.toString());
    }

    @Test
    void an_unknown_key_in_the_conf_file_names_the_key_and_the_file() throws IOException {
      Path file =
          confFile(
              """
          {"http": {"prot": 9090}}""");
      assertInvalid(
          () -> ConfigLoader.load(Optional.of(file), NO_ENV), "http.prot", file.toString());
    }

    @Test
    void an_unknown_section_in_the_conf_file_names_it_and_the_file() throws IOException {
      Path file =
          confFile(
              """
          {"htp": {"port": 9090}}""");
      assertInvalid(() -> ConfigLoader.load(Optional.of(file), NO_ENV), "htp", file.toString());
    }

    @Test
    void a_section_that_is_not_an_object_names_it_and_the_file() throws IOException {
      Path file =
          confFile(
              """
          {"http": 9090}""");
      assertInvalid(() -> ConfigLoader.load(Optional.of(file), NO_ENV), "http", file.toString());
    }

    @ParameterizedTest(name = "content <{0}>")
    @ValueSource(strings = {"not json", "[1, 2]", "{\"http\": {\"port\": 9090", "null", ""})
    void a_conf_file_that_is_not_a_json_object_fails_on_one_line_naming_the_file(String content)
        throws IOException {
      Path file = confFile(content);
      assertInvalid(() -> ConfigLoader.load(Optional.of(file), NO_ENV), "--conf", file.toString());
    }

    @Test
    void a_missing_conf_file_fails_on_one_line_naming_the_file() {
      Path missing = dir.resolve("missing.json");
      assertInvalid(
          () -> ConfigLoader.load(Optional.of(missing), NO_ENV), "--conf", missing.toString());
    }

    @Test
    void a_value_with_a_trailing_newline_is_still_reported_on_one_line() {
      // A variable filled from a secret file often keeps the file's final newline.
      assertInvalid(
          () -> fromEnv(Map.of("OFFLOAD_DATABASE_URL", "postgresql://offload@db/offload\n")),
          "database.url",
          "OFFLOAD_DATABASE_URL");
    }
  }

  @Nested
  class Upstreams {

    private static final String TODOS = "https://jsonplaceholder.typicode.com";

    private static OffloadConfig withUpstreams(String json) {
      return fromEnv(Map.of("OFFLOAD_UPSTREAMS", json));
    }

    @Test
    void the_default_is_the_seeds_todos_upstream() {
      assertEquals(
          Map.of(
              "todos",
              new UpstreamConfig(
                  "todos",
                  URI.create(TODOS),
                  Duration.ofSeconds(5),
                  2,
                  64,
                  5,
                  Duration.ofSeconds(30))),
          fromEnv(NO_ENV).upstreams());
    }

    @Test
    void OFFLOAD_UPSTREAMS_replaces_the_list_and_fills_in_defaults() {
      OffloadConfig config =
          withUpstreams(
              """
          {"a": {"base_url": "http://127.0.0.1:9000/v1/", "timeout": "250ms", "retries": 0,
                 "max_concurrency": 1, "breaker_failures": 3, "breaker_reset": "2s"},
           "b.2": {"base_url": "https://api.example.com"}}""");
      assertEquals(Set.of("a", "b.2"), config.upstreams().keySet());
      assertEquals(
          new UpstreamConfig(
              "a",
              URI.create("http://127.0.0.1:9000/v1"),
              Duration.ofMillis(250),
              0,
              1,
              3,
              Duration.ofSeconds(2)),
          config.upstreams().get("a"));
      assertEquals(
          new UpstreamConfig(
              "b.2",
              URI.create("https://api.example.com"),
              Duration.ofSeconds(5),
              2,
              64,
              5,
              Duration.ofSeconds(30)),
          config.upstreams().get("b.2"));
    }

    @Test
    void an_empty_object_allows_no_upstream() {
      assertTrue(withUpstreams("{}").upstreams().isEmpty());
    }

    @Test
    void the_conf_file_replaces_the_list_and_the_environment_wins_over_it() throws IOException {
      Path file =
          confFile(
              """
          {"upstreams": {"files": {"base_url": "http://files.internal", "timeout": 10}}}""");
      OffloadConfig fromFile = ConfigLoader.load(Optional.of(file), NO_ENV);
      assertEquals(Set.of("files"), fromFile.upstreams().keySet());
      assertEquals(Duration.ofSeconds(10), fromFile.upstreams().get("files").timeout());
      OffloadConfig fromEnv =
          ConfigLoader.load(
              Optional.of(file),
              Map.of("OFFLOAD_UPSTREAMS", "{\"env\": {\"base_url\": \"http://env.internal\"}}"));
      assertEquals(Set.of("env"), fromEnv.upstreams().keySet());
    }

    static Stream<Arguments> bad_upstreams() {
      return Stream.of(
          Arguments.of("not json", "upstreams"),
          Arguments.of("[1]", "upstreams"),
          Arguments.of("{\"bad name\": {\"base_url\": \"http://h\"}}", "upstreams"),
          Arguments.of("{\"..\": {\"base_url\": \"http://h\"}}", "upstreams"),
          Arguments.of("{\"x\": 1}", "upstreams.x"),
          Arguments.of("{\"x\": {}}", "upstreams.x.base_url"),
          Arguments.of("{\"x\": {\"base_url\": 7}}", "upstreams.x.base_url"),
          Arguments.of("{\"x\": {\"base_url\": \"ftp://h\"}}", "upstreams.x.base_url"),
          Arguments.of("{\"x\": {\"base_url\": \"/relative\"}}", "upstreams.x.base_url"),
          Arguments.of("{\"x\": {\"base_url\": \"http://h/?q=1\"}}", "upstreams.x.base_url"),
          Arguments.of("{\"x\": {\"base_url\": \"http://h/#f\"}}", "upstreams.x.base_url"),
          Arguments.of("{\"x\": {\"base_url\": \"http://bad_host/\"}}", "upstreams.x.base_url"),
          Arguments.of(
              "{\"x\": {\"base_url\": \"http://h\", \"timeout\": \"50ms\"}}",
              "upstreams.x.timeout"),
          Arguments.of(
              "{\"x\": {\"base_url\": \"http://h\", \"timeout\": \"6m\"}}", "upstreams.x.timeout"),
          Arguments.of(
              "{\"x\": {\"base_url\": \"http://h\", \"timeout\": \"soon\"}}",
              "upstreams.x.timeout"),
          Arguments.of(
              "{\"x\": {\"base_url\": \"http://h\", \"retries\": -1}}", "upstreams.x.retries"),
          Arguments.of(
              "{\"x\": {\"base_url\": \"http://h\", \"retries\": 11}}", "upstreams.x.retries"),
          Arguments.of(
              "{\"x\": {\"base_url\": \"http://h\", \"retries\": \"2\"}}", "upstreams.x.retries"),
          Arguments.of(
              "{\"x\": {\"base_url\": \"http://h\", \"retries\": 1.5}}", "upstreams.x.retries"),
          Arguments.of(
              "{\"x\": {\"base_url\": \"http://h\", \"max_concurrency\": 0}}",
              "upstreams.x.max_concurrency"),
          Arguments.of(
              "{\"x\": {\"base_url\": \"http://h\", \"max_concurrency\": 10001}}",
              "upstreams.x.max_concurrency"),
          Arguments.of(
              "{\"x\": {\"base_url\": \"http://h\", \"breaker_failures\": 0}}",
              "upstreams.x.breaker_failures"),
          Arguments.of(
              "{\"x\": {\"base_url\": \"http://h\", \"breaker_reset\": \"10ms\"}}",
              "upstreams.x.breaker_reset"),
          Arguments.of(
              "{\"x\": {\"base_url\": \"http://h\", \"timout\": \"1s\"}}", "upstreams.x.timout"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bad_upstreams")
    void an_invalid_upstream_fails_on_one_line_naming_the_key_and_the_variable(
        String json, String key) {
      String message = assertInvalid(() -> withUpstreams(json), key, "OFFLOAD_UPSTREAMS");
      assertTrue(message.startsWith("invalid configuration: "), message);
    }

    @Test
    void an_invalid_upstream_in_the_conf_file_names_the_key_and_the_file() throws IOException {
      Path file =
          confFile(
              """
          {"upstreams": {"todos": {"base_url": "https://h", "retries": 99}}}""");
      String message =
          assertInvalid(
              () -> ConfigLoader.load(Optional.of(file), NO_ENV),
              "upstreams.todos.retries",
              file.toString());
      assertEquals(
          "invalid configuration: upstreams.todos.retries (from "
              + file
              + ") must be an integer between 0 and 10, got 99",
          message);
    }

    @Test
    void a_base_url_with_credentials_is_refused_without_showing_them() {
      String message =
          assertInvalid(
              () -> withUpstreams("{\"x\": {\"base_url\": \"https://me:s3cr3tpw@h/\"}}"),
              "upstreams.x.base_url",
              "OFFLOAD_UPSTREAMS");
      assertFalse(message.contains("s3cr3tpw"), message);
    }
  }

  @Nested
  class DatabaseTls {

    private static final String URL = "postgresql://offload@db.example.com/offload";

    @ParameterizedTest
    @ValueSource(strings = {"disable", "allow", "prefer", "require"})
    void sslmodes_that_verify_nothing_need_no_root_certificate(String mode) {
      assertEquals(
          URL + "?sslmode=" + mode,
          fromEnv(Map.of("OFFLOAD_DATABASE_URL", URL + "?sslmode=" + mode)).database().url());
    }

    @ParameterizedTest
    @ValueSource(strings = {"verify-ca", "verify-full"})
    void verifying_sslmodes_need_a_readable_sslrootcert(String mode) throws IOException {
      String message =
          assertInvalid(
              () -> fromEnv(Map.of("OFFLOAD_DATABASE_URL", URL + "?sslmode=" + mode)),
              "database.url",
              "OFFLOAD_DATABASE_URL");
      assertTrue(message.contains("sslrootcert="), message);
      assertInvalid(
          () ->
              fromEnv(
                  Map.of(
                      "OFFLOAD_DATABASE_URL",
                      URL + "?sslmode=" + mode + "&sslrootcert=" + dir.resolve("none.pem"))),
          "database.url",
          "OFFLOAD_DATABASE_URL");

      Path rootCert = confFile("ca");
      DatabaseConfig config =
          fromEnv(
                  Map.of(
                      "OFFLOAD_DATABASE_URL",
                      URL + "?sslmode=" + mode + "&sslrootcert=" + rootCert))
              .database();
      assertEquals(Optional.of(rootCert.toString()), config.sslRootCert());
    }

    @Test
    void an_unknown_sslmode_is_an_invalid_url() {
      assertInvalid(
          () -> fromEnv(Map.of("OFFLOAD_DATABASE_URL", URL + "?sslmode=always")),
          "database.url",
          "OFFLOAD_DATABASE_URL");
    }
  }

  @Nested
  class Cors {

    @Test
    void no_origin_is_allowed_by_default() {
      assertEquals(List.of(), fromEnv(NO_ENV).http().corsOrigins());
    }

    @Test
    void origins_are_normalised_as_browsers_send_them() {
      assertEquals(
          List.of("https://app.example.com", "http://localhost:3000", "http://[::1]:8080"),
          fromEnv(
                  Map.of(
                      "OFFLOAD_HTTP_CORS_ALLOWED_ORIGINS",
                      "HTTPS://App.Example.com:443,http://localhost:3000,http://[::1]:8080"))
              .http()
              .corsOrigins());
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "*",
          "null",
          "app.example.com",
          "https://app.example.com/",
          "https://app.example.com/app",
          "https://app.example.com?x=1",
          "https://user@app.example.com",
          "ftp://app.example.com"
        })
    void anything_but_scheme_host_and_port_is_refused(String origin) {
      assertInvalid(
          () -> fromEnv(Map.of("OFFLOAD_HTTP_CORS_ALLOWED_ORIGINS", origin)),
          "http.cors_allowed_origins",
          "OFFLOAD_HTTP_CORS_ALLOWED_ORIGINS");
    }
  }

  @Nested
  class Tls {

    @Test
    void is_off_by_default() {
      assertTrue(fromEnv(NO_ENV).http().tls().isEmpty());
    }

    @Test
    void is_on_with_both_pem_files() throws IOException {
      Path cert = confFile("cert");
      Path key = confFile("key");

      ServerTls tls =
          fromEnv(
                  Map.of(
                      "OFFLOAD_HTTP_TLS_CERT_PATH", cert.toString(),
                      "OFFLOAD_HTTP_TLS_KEY_PATH", key.toString()))
              .http()
              .tls()
              .orElseThrow();

      assertEquals(new ServerTls(cert, key), tls);
    }

    @Test
    void a_certificate_without_a_key_names_the_key_path() throws IOException {
      Path cert = confFile("cert");

      assertInvalid(
          () -> fromEnv(Map.of("OFFLOAD_HTTP_TLS_CERT_PATH", cert.toString())),
          "http.tls_key_path",
          "must be the path of a readable PEM file");
    }

    @Test
    void a_file_that_cannot_be_read_names_its_key_and_variable() throws IOException {
      Path key = confFile("key");

      assertInvalid(
          () ->
              fromEnv(
                  Map.of(
                      "OFFLOAD_HTTP_TLS_CERT_PATH", dir.resolve("missing.pem").toString(),
                      "OFFLOAD_HTTP_TLS_KEY_PATH", key.toString())),
          "http.tls_cert_path",
          "OFFLOAD_HTTP_TLS_CERT_PATH");
    }
  }

  @Nested
  class Tokens {

    private static final String CI = "ci-0123456789abcdef";
    private static final String OPS = "ops-0123456789abcdef";
    private static final String TOKENS =
        """
        {"ci": {"token": "%s", "scopes": ["read", "submit"]},
         "ops": {"token": "%s", "scopes": ["admin"]}}"""
            .formatted(CI, OPS);

    @Test
    void none_by_default() {
      assertTrue(fromEnv(NO_ENV).http().tokens().isEmpty());
    }

    @Test
    void come_by_name_with_their_scopes_from_OFFLOAD_HTTP_TOKENS() {
      ApiTokens tokens = fromEnv(Map.of("OFFLOAD_HTTP_TOKENS", TOKENS)).http().tokens();

      assertEquals(
          new ApiTokens.Token("ci", EnumSet.of(Scope.READ, Scope.SUBMIT)),
          tokens.find(CI).orElseThrow());
      assertEquals(
          new ApiTokens.Token("ops", EnumSet.of(Scope.ADMIN)), tokens.find(OPS).orElseThrow());
      assertTrue(tokens.find("ci-0123456789abcde").isEmpty(), "a prefix is not the token");
      assertTrue(tokens.find(CI + "0").isEmpty(), "nor is a longer string");
      assertTrue(tokens.find("").isEmpty());
    }

    @Test
    void come_from_the_conf_file_and_OFFLOAD_TOKENS_is_an_alias_beaten_by_the_full_name()
        throws IOException {
      Path file = confFile("{\"http\": {\"tokens\": " + TOKENS + "}}");
      assertEquals(2, ConfigLoader.load(Optional.of(file), NO_ENV).http().tokens().tokens().size());

      String other = "{\"other\": {\"token\": \"other-0123456789abcdef\", \"scopes\": [\"work\"]}}";
      assertEquals(
          "other",
          ConfigLoader.load(Optional.of(file), Map.of("OFFLOAD_TOKENS", other))
              .http()
              .tokens()
              .tokens()
              .get(0)
              .name());
      assertEquals(
          2,
          fromEnv(Map.of("OFFLOAD_TOKENS", other, "OFFLOAD_HTTP_TOKENS", TOKENS))
              .http()
              .tokens()
              .tokens()
              .size());
    }

    @Test
    void the_api_token_joins_the_named_ones() {
      ApiTokens tokens =
          fromEnv(Map.of("OFFLOAD_HTTP_TOKENS", TOKENS, "OFFLOAD_API_TOKEN", "legacy"))
              .http()
              .tokens();

      assertEquals(3, tokens.tokens().size());
      assertEquals(ApiTokens.API_TOKEN_NAME, tokens.find("legacy").orElseThrow().name());
    }

    @Test
    void show_names_and_scopes_but_never_a_secret() {
      OffloadConfig config =
          fromEnv(Map.of("OFFLOAD_HTTP_TOKENS", TOKENS, "OFFLOAD_API_TOKEN", "legacy-s3cret"));

      String shown = config.toString();
      assertTrue(shown.contains("ci (read, submit), ops (admin)"), shown);
      for (String secret : new String[] {CI, OPS, "legacy-s3cret", "0123456789abcdef"}) {
        assertFalse(shown.contains(secret), shown);
      }
    }

    static Stream<Arguments> invalid_tokens() {
      return Stream.of(
          Arguments.of("not json {\"s3cr3t-0123456789abcdef", "http.tokens"),
          Arguments.of("[\"s3cr3t-0123456789abcdef\"]", "http.tokens"),
          Arguments.of(
              "{\"ci\": {\"token\": \"s3cr3t-012345\", \"scopes\": [\"read\"]}}",
              "http.tokens.ci.token"),
          Arguments.of(
              "{\"ci\": {\"token\": \"s3cr3t 0123456789abcdef\", \"scopes\": [\"read\"]}}",
              "http.tokens.ci.token"),
          Arguments.of(
              "{\"ci\": {\"token\": 12345678901234567890, \"scopes\": [\"read\"]}}",
              "http.tokens.ci.token"),
          Arguments.of(
              "{\"ci\": {\"token\": \"s3cr3t-0123456789abcdef\", \"scopes\": [\"reed\"]}}",
              "http.tokens.ci.scopes"),
          Arguments.of(
              "{\"ci\": {\"token\": \"s3cr3t-0123456789abcdef\", \"scopes\": []}}",
              "http.tokens.ci.scopes"),
          Arguments.of(
              "{\"ci\": {\"token\": \"s3cr3t-0123456789abcdef\"}}", "http.tokens.ci.scopes"),
          Arguments.of(
              "{\"ci\": {\"token\": \"s3cr3t-0123456789abcdef\", \"scopes\": [\"read\"], \"x\": 1}}",
              "http.tokens.ci"),
          Arguments.of(
              "{\"api_token\": {\"token\": \"s3cr3t-0123456789abcdef\", \"scopes\": [\"read\"]}}",
              "http.tokens"),
          Arguments.of(
              "{\"a\": {\"token\": \"s3cr3t-0123456789abcdef\", \"scopes\": [\"read\"]},"
                  + " \"b\": {\"token\": \"s3cr3t-0123456789abcdef\", \"scopes\": [\"admin\"]}}",
              "http.tokens.b.token"));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("invalid_tokens")
    void an_invalid_token_fails_on_one_line_naming_the_key_and_never_shows_a_secret(
        String tokens, String key) {
      String message =
          assertInvalid(
              () -> fromEnv(Map.of("OFFLOAD_HTTP_TOKENS", tokens)), key, "OFFLOAD_HTTP_TOKENS");
      for (String secret : new String[] {"s3cr3t", "0123456789", "12345678901234567890"}) {
        assertFalse(message.contains(secret), "shows a secret: " + message);
      }
    }

    @Test
    void the_api_token_may_not_also_be_a_named_token() {
      ConfigException e =
          assertThrows(
              ConfigException.class,
              () -> fromEnv(Map.of("OFFLOAD_HTTP_TOKENS", TOKENS, "OFFLOAD_API_TOKEN", CI)));
      assertEquals(
          "invalid configuration: http.api_token and http.tokens.ci must not be the same token",
          e.getMessage());
    }
  }

  @Nested
  class Secrets {

    static Stream<String> urls_with_a_password() {
      return Stream.of(
          "mysql://root:s3cr3tpw@127.0.0.1/offload",
          "postgresql://offload:s3cr3tpw@db:not-a-port/offload",
          "postgresql://offload:s3cr3tpw@db:99999/offload",
          // Unencoded '/' or '@' in a password is the usual reason a URL is invalid in the first
          // place.
          "postgresql://offload:s3cr/3tpw@db/offload",
          "postgresql://offload:s3c@r3tpw@db/offload",
          "postgresql://db:not-a-port/offload?user=offload&password=s3cr3tpw");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("urls_with_a_password")
    void a_rejected_url_from_the_environment_never_shows_its_password(String url) {
      String message =
          assertInvalid(
              () -> fromEnv(Map.of("OFFLOAD_DATABASE_URL", url)),
              "database.url",
              "OFFLOAD_DATABASE_URL");
      for (String part : new String[] {"s3cr3tpw", "s3cr", "3tpw", "r3tpw"}) {
        assertFalse(message.contains(part), "shows (part of) the password: " + message);
      }
    }

    @Test
    void a_rejected_url_from_the_conf_file_never_shows_its_password() throws IOException {
      Path file =
          confFile(
              """
          {"database": {"url": "mysql://root:s3cr3tpw@127.0.0.1/offload"}}""");
      String message =
          assertInvalid(
              () -> ConfigLoader.load(Optional.of(file), NO_ENV), "database.url", file.toString());
      assertFalse(message.contains("s3cr3tpw"), message);
    }
  }
}

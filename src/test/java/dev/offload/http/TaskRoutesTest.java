package dev.offload.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.MutableClock;
import dev.offload.testing.OffloadNodeExtension;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code /tasks} against a real node and a real schema. The node runs no workers, so a submitted
 * task stays exactly as submitted; the clock only moves when a test moves it.
 */
class TaskRoutesTest {

  private static final Set<String> TASK_FIELDS =
      Set.of(
          "id",
          "kind",
          "queue",
          "state",
          "args",
          "priority",
          "attempt",
          "max_attempts",
          "timeout",
          "progress",
          "result",
          "errors",
          "attempted_by",
          "created_at",
          "scheduled_at",
          "attempted_at",
          "finalized_at",
          "cancel_requested_at",
          "unique_key",
          "callback_url");
  private static final int BODY_LIMIT = 1_048_576;

  private static final MutableClock clock =
      new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));

  @RegisterExtension
  static final OffloadNodeExtension offload =
      OffloadNodeExtension.withNode().role("api").clock(clock);

  // ---- helpers
  // -------------------------------------------------------------------------------------------

  private static WebClient client() {
    return offload.client();
  }

  private static HttpResponse<Buffer> post(String body) {
    return client()
        .post("/tasks")
        .putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(body))
        .await();
  }

  private static HttpResponse<Buffer> get(String uri) {
    return client().get(uri).send().await();
  }

  /** Submits, expects 202, and moves the clock on so that the next task is strictly newer. */
  private static JsonObject submit(JsonObject body) {
    HttpResponse<Buffer> response = post(body.encode());
    assertEquals(202, response.statusCode(), response.bodyAsString());
    clock.advance(Duration.ofMillis(1));
    return response.bodyAsJsonObject();
  }

  private static JsonObject submit(String kind) {
    return submit(new JsonObject().put("kind", kind));
  }

  private static JsonObject page(String uri) {
    HttpResponse<Buffer> response = get(uri);
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private static List<String> idsIn(JsonObject page) {
    return page.getJsonArray("tasks").stream()
        .map(task -> ((JsonObject) task).getString("id"))
        .toList();
  }

  private static List<String> idsOf(JsonObject... tasks) {
    return Stream.of(tasks).map(task -> task.getString("id")).toList();
  }

  /**
   * Asserts {@code {"error": {"code", "message"}}} as application/json with this status; returns
   * the message.
   */
  private static String assertError(HttpResponse<Buffer> response, int status, String code) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    String contentType = response.getHeader("content-type");
    assertTrue(
        contentType != null && contentType.startsWith("application/json"),
        "content-type " + contentType);
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertEquals(code, error.getString("code"), error.encode());
    String message = error.getString("message");
    assertFalse(message == null || message.isBlank(), error.encode());
    return message;
  }

  private static Row row(String id) {
    RowSet<Row> rows =
        offload.sql("SELECT * FROM offload_task_all WHERE id = $1", UUID.fromString(id));
    assertEquals(1, rows.size(), "rows with id " + id);
    return rows.iterator().next();
  }

  private static long taskCount() {
    return offload.sql("SELECT count(*) FROM offload_task_all").iterator().next().getLong(0);
  }

  private static Instant instant(JsonObject task, String field) {
    return Instant.parse(task.getString(field));
  }

  // ---- POST /tasks
  // ---------------------------------------------------------------------------------------

  @Nested
  class Submit {

    @Test
    void answers_202_with_the_location_and_every_field_of_the_task() {
      Instant now = clock.instant();
      HttpResponse<Buffer> response = post("{\"kind\": \"noop\"}");

      assertEquals(202, response.statusCode(), response.bodyAsString());
      assertTrue(response.getHeader("content-type").startsWith("application/json"));
      JsonObject task = response.bodyAsJsonObject();
      assertEquals(TASK_FIELDS, task.fieldNames());
      UUID id = UUID.fromString(task.getString("id"));
      assertEquals(7, id.version());
      assertEquals("/tasks/" + id, response.getHeader("location"));
      assertEquals("noop", task.getString("kind"));
      assertEquals("default", task.getString("queue"));
      assertEquals("available", task.getString("state"));
      assertEquals(new JsonObject(), task.getJsonObject("args"));
      assertEquals(5, task.getInteger("priority"));
      assertEquals(0, task.getInteger("attempt"));
      assertEquals(5, task.getInteger("max_attempts"));
      assertEquals("30m", task.getString("timeout"));
      assertNull(task.getValue("progress"));
      assertNull(task.getValue("result"));
      assertEquals(new JsonArray(), task.getJsonArray("errors"));
      assertNull(task.getValue("attempted_by"));
      assertEquals(now, instant(task, "created_at"));
      assertEquals(now, instant(task, "scheduled_at"));
      assertNull(task.getValue("attempted_at"));
      assertNull(task.getValue("finalized_at"));
    }

    @Test
    void the_task_is_committed_before_the_response_arrives() {
      JsonObject task =
          submit(new JsonObject().put("kind", "noop").put("args", new JsonObject().put("n", 1)));

      Row row = row(task.getString("id"));
      assertEquals("noop", row.getString("kind"));
      assertEquals("available", row.getString("state"));
      assertEquals(new JsonObject().put("n", 1), row.getJson("args"));
    }

    @Test
    void stores_the_optional_fields_as_given() {
      JsonObject task =
          submit(
              new JsonObject()
                  .put("kind", "sleep")
                  .put("args", new JsonObject().put("seconds", 3))
                  .put("queue", "emails.eu-1")
                  .put("priority", 0)
                  .put("max_attempts", 3)
                  .put("timeout", "90s"));

      assertEquals("emails.eu-1", task.getString("queue"));
      assertEquals(0, task.getInteger("priority"));
      assertEquals(3, task.getInteger("max_attempts"));
      assertEquals("90s", task.getString("timeout"));
      assertEquals(new JsonObject().put("seconds", 3), task.getJsonObject("args"));
      Row row = row(task.getString("id"));
      assertEquals("emails.eu-1", row.getString("queue"));
      assertEquals(0, row.getInteger("priority"));
      assertEquals(3, row.getInteger("max_attempts"));
      assertEquals(90_000L, row.getLong("timeout_ms"));
    }

    @Test
    void a_numeric_timeout_is_read_as_seconds() {
      assertEquals(
          "90s",
          submit(new JsonObject().put("kind", "noop").put("timeout", 90)).getString("timeout"));
    }

    @Test
    void a_delay_schedules_the_task_that_far_ahead() {
      Instant now = clock.instant();
      JsonObject task = submit(new JsonObject().put("kind", "noop").put("delay", "5m"));

      assertEquals("scheduled", task.getString("state"));
      assertEquals(now, instant(task, "created_at"));
      assertEquals(now.plus(Duration.ofMinutes(5)), instant(task, "scheduled_at"));
      assertEquals("scheduled", row(task.getString("id")).getString("state"));
    }

    @Test
    void a_numeric_delay_is_read_as_seconds() {
      Instant now = clock.instant();
      JsonObject task = submit(new JsonObject().put("kind", "noop").put("delay", 1.5));
      assertEquals(now.plusMillis(1500), instant(task, "scheduled_at"));
    }

    @Test
    void a_zero_delay_makes_the_task_available_at_once() {
      Instant now = clock.instant();
      JsonObject task = submit(new JsonObject().put("kind", "noop").put("delay", "0s"));
      assertEquals("available", task.getString("state"));
      assertEquals(now, instant(task, "scheduled_at"));
    }

    @Test
    void run_at_schedules_the_task_at_that_instant_whatever_its_offset() {
      Instant runAt = clock.instant().plus(Duration.ofHours(3));
      String text = OffsetDateTime.ofInstant(runAt, ZoneOffset.ofHours(2)).toString();

      JsonObject task = submit(new JsonObject().put("kind", "noop").put("run_at", text));

      assertEquals("scheduled", task.getString("state"));
      assertEquals(runAt, instant(task, "scheduled_at"));
    }

    @Test
    void a_run_at_in_the_past_makes_the_task_available_now() {
      Instant now = clock.instant();
      String lastHour = now.minus(Duration.ofHours(1)).toString();
      JsonObject task = submit(new JsonObject().put("kind", "noop").put("run_at", lastHour));
      assertEquals("available", task.getString("state"));
      assertEquals(now, instant(task, "scheduled_at"));
    }

    static Stream<Arguments> bad_submissions() {
      return Stream.of(
          Arguments.of("{\"kind\": ", "invalid_json", "JSON object"),
          Arguments.of("[{\"kind\": \"noop\"}]", "invalid_json", "JSON object"),
          Arguments.of("", "invalid_json", "JSON object"),
          Arguments.of("null", "invalid_json", "JSON object"),
          Arguments.of("\"noop\"", "invalid_json", "JSON object"),
          Arguments.of("{}", "invalid_field", "kind is required; known kinds: "),
          Arguments.of("{\"kind\": 7}", "invalid_field", "kind must be a string"),
          Arguments.of(
              "{\"kind\": \"nope\"}", "unknown_kind", "unknown kind 'nope'; known kinds: "),
          Arguments.of("{\"kind\": \"noop\", \"args\": [1]}", "invalid_field", "args"),
          Arguments.of("{\"kind\": \"noop\", \"args\": \"x\"}", "invalid_field", "args"),
          Arguments.of("{\"kind\": \"sleep\"}", "invalid_args", "args.seconds"),
          Arguments.of(
              "{\"kind\": \"sleep\", \"args\": {\"seconds\": \"5\"}}",
              "invalid_args",
              "args.seconds"),
          Arguments.of(
              "{\"kind\": \"sleep\", \"args\": {\"seconds\": -1}}", "invalid_args", "args.seconds"),
          Arguments.of(
              "{\"kind\": \"sleep\", \"args\": {\"seconds\": 86401}}",
              "invalid_args",
              "args.seconds"),
          Arguments.of(
              "{\"kind\": \"sleep\", \"args\": {\"seconds\": 1e400}}",
              "invalid_args",
              "args.seconds"),
          Arguments.of("{\"kind\": \"noop\", \"priority\": 10}", "invalid_field", "priority"),
          Arguments.of("{\"kind\": \"noop\", \"priority\": -1}", "invalid_field", "priority"),
          Arguments.of("{\"kind\": \"noop\", \"priority\": 1.5}", "invalid_field", "priority"),
          Arguments.of("{\"kind\": \"noop\", \"priority\": \"1\"}", "invalid_field", "priority"),
          Arguments.of("{\"kind\": \"noop\", \"priority\": 1e400}", "invalid_field", "priority"),
          Arguments.of(
              "{\"kind\": \"noop\", \"priority\": 100000000000000000000}",
              "invalid_field",
              "priority"),
          Arguments.of(
              "{\"kind\": \"noop\", \"max_attempts\": 0}", "invalid_field", "max_attempts"),
          Arguments.of(
              "{\"kind\": \"noop\", \"max_attempts\": 1001}", "invalid_field", "max_attempts"),
          Arguments.of(
              "{\"kind\": \"noop\", \"timeout\": \"forever\"}", "invalid_field", "timeout"),
          Arguments.of("{\"kind\": \"noop\", \"timeout\": \"50ms\"}", "invalid_field", "timeout"),
          Arguments.of("{\"kind\": \"noop\", \"timeout\": \"25h\"}", "invalid_field", "timeout"),
          Arguments.of("{\"kind\": \"noop\", \"timeout\": true}", "invalid_field", "timeout"),
          Arguments.of("{\"kind\": \"noop\", \"delay\": \"-1s\"}", "invalid_field", "delay"),
          Arguments.of("{\"kind\": \"noop\", \"delay\": \"8761h\"}", "invalid_field", "delay"),
          Arguments.of(
              "{\"kind\": \"noop\", \"delay\": \"1s\", \"run_at\": \"2030-01-01T00:00:00Z\"}",
              "invalid_field",
              "either delay or run_at"),
          Arguments.of("{\"kind\": \"noop\", \"run_at\": \"tomorrow\"}", "invalid_field", "run_at"),
          Arguments.of(
              "{\"kind\": \"noop\", \"run_at\": \"2030-01-01T00:00:00\"}",
              "invalid_field",
              "run_at"),
          Arguments.of("{\"kind\": \"noop\", \"run_at\": 1893456000}", "invalid_field", "run_at"),
          Arguments.of(
              "{\"kind\": \"noop\", \"run_at\": \"7026-01-01T00:00:00Z\"}",
              "invalid_field",
              "run_at"),
          Arguments.of("{\"kind\": \"noop\", \"queue\": \"\"}", "invalid_field", "queue"),
          Arguments.of("{\"kind\": \"noop\", \"queue\": \"has space\"}", "invalid_field", "queue"),
          Arguments.of("{\"kind\": \"noop\", \"queue\": 42}", "invalid_field", "queue"),
          Arguments.of(
              "{\"kind\": \"noop\", \"queue\": \"" + "q".repeat(129) + "\"}",
              "invalid_field",
              "queue"),
          Arguments.of(
              "{\"kind\": \"noop\", \"prio\": 1}", "invalid_field", "unknown field 'prio'"),
          Arguments.of("{\"Kind\": \"noop\"}", "invalid_field", "unknown field 'Kind'"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("bad_submissions")
    void a_bad_submission_is_a_json_400_naming_the_problem_and_stores_nothing(
        String body, String code, String mentions) {
      String message = assertError(post(body), 400, code);
      assertTrue(message.contains(mentions), "'" + mentions + "' not in: " + message);
      assertEquals(0, taskCount());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(
        strings = {
          "{\"kind\": \"noop\", \"args\": {\"name\": \"a\\u0000b\"}}",
          "{\"kind\": \"noop\", \"args\": {\"a\\u0000b\": 1}}",
          "{\"kind\": \"noop\", \"args\": {\"list\": [{\"deep\": \"\\u0000\"}]}}"
        })
    void a_nul_character_in_args_is_a_400_not_a_500(String body) {
      // PostgreSQL's jsonb cannot hold U+0000, so the client must hear about it, not the error log.
      String message = assertError(post(body), 400, "invalid_field");
      assertTrue(message.contains("args"), message);
      assertEquals(0, taskCount());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(
        delimiter = '|',
        value = {
          "{\"kind\": \"noop\", \"args\": {\"x\": 1e400}}|args.x",
          "{\"kind\": \"noop\", \"args\": {\"list\": [1, {\"y\": -1e400}]}}|args.list[1].y",
          "{\"kind\": \"noop\", \"args\": {\"name\": \"a\\ud800b\"}}|args.name",
          "{\"kind\": \"noop\", \"args\": {\"a\\udc00\": 1}}|args"
        })
    void args_that_would_be_stored_other_than_sent_are_a_400_naming_the_field(
        String body, String field) {
      // Before: 1e400 was stored as the string "Infinity", a lone surrogate as "?".
      String message = assertError(post(body), 400, "invalid_field");
      assertTrue(message.startsWith(field + " "), message);
      assertEquals(0, taskCount());
    }

    @Test
    void a_body_over_1_mib_is_a_json_413() {
      assertError(post(bodyOfSize(BODY_LIMIT + 1)), 413, "body_too_large");
      assertEquals(0, taskCount());
    }

    @Test
    void a_body_of_exactly_1_mib_is_accepted() {
      HttpResponse<Buffer> response = post(bodyOfSize(BODY_LIMIT));
      assertEquals(202, response.statusCode(), response.bodyAsString());
    }

    /** A body of {@code bytes}, padded with whitespace: args are limited on their own. */
    private static String bodyOfSize(int bytes) {
      String head = "{\"kind\": \"noop\", \"args\": {\"padding\": \"x\"}";
      String tail = "}";
      String body = head + " ".repeat(bytes - head.length() - tail.length()) + tail;
      assertEquals(bytes, body.length());
      return body;
    }
  }

  // ---- GET /tasks/{id}
  // -----------------------------------------------------------------------------------

  @Nested
  class GetOne {

    @Test
    void returns_the_task_exactly_as_the_submission_answered() {
      JsonObject submitted =
          submit(
              new JsonObject()
                  .put("kind", "noop")
                  .put("delay", "1m")
                  .put(
                      "args",
                      new JsonObject()
                          .put("to", "ada@example.com")
                          .put("tags", new JsonArray().add("a"))));

      HttpResponse<Buffer> response = get("/tasks/" + submitted.getString("id"));

      assertEquals(200, response.statusCode(), response.bodyAsString());
      assertTrue(response.getHeader("content-type").startsWith("application/json"));
      assertEquals(submitted, response.bodyAsJsonObject());
    }

    @Test
    void an_unknown_id_is_a_json_404_naming_it() {
      String unknown = "0190d1a0-0000-7000-8000-000000000000";
      String message = assertError(get("/tasks/" + unknown), 404, "task_not_found");
      assertTrue(message.contains(unknown), message);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
        strings = {
          "not-a-uuid",
          "123",
          "0190d1a0-0000-7000-8000-00000000000g",
          "0190d1a0000070008000000000000000",
          "0190d1a0-0000-7000-8000-0000000000000"
        })
    void a_malformed_id_is_a_json_400(String id) {
      String message = assertError(get("/tasks/" + id), 400, "invalid_id");
      assertTrue(message.contains(id), message);
    }

    @Test
    void a_broken_percent_escape_in_the_path_is_a_json_400() {
      assertError(get("/tasks/%ZZ"), 400, "bad_request");
    }
  }

  // ---- GET /tasks
  // ----------------------------------------------------------------------------------------

  @Nested
  class ListTasks {

    @Test
    void an_empty_table_lists_no_tasks_and_no_next_cursor() {
      JsonObject page = page("/tasks");
      assertEquals(new JsonArray(), page.getJsonArray("tasks"));
      assertTrue(page.containsKey("next"));
      assertNull(page.getValue("next"));
    }

    @Test
    void lists_tasks_newest_first_with_every_field_asked_for() {
      JsonObject first = submit("noop");
      JsonObject second = submit("test.fail");
      JsonObject third = submit("noop");

      JsonObject page = page("/tasks?fields=args,result,errors");

      assertEquals(idsOf(third, second, first), idsIn(page));
      assertEquals(third, page.getJsonArray("tasks").getJsonObject(0));
      assertNull(page.getValue("next"));
      // Without fields=, the heavy ones are left out and the rest is the same.
      JsonObject light = page("/tasks").getJsonArray("tasks").getJsonObject(0);
      JsonObject expected = third.copy();
      expected.remove("args");
      expected.remove("result");
      expected.remove("errors");
      assertEquals(expected, light);
    }

    @Test
    void filters_by_state_kind_and_queue_alone_or_together() {
      JsonObject a = submit("noop");
      JsonObject b = submit(new JsonObject().put("kind", "noop").put("queue", "emails"));
      JsonObject c =
          submit(
              new JsonObject()
                  .put("kind", "sleep")
                  .put("args", new JsonObject().put("seconds", 1))
                  .put("delay", "1m"));
      JsonObject d = submit("test.fail");

      assertEquals(idsOf(c), idsIn(page("/tasks?state=scheduled")));
      assertEquals(idsOf(d, b, a), idsIn(page("/tasks?state=available")));
      assertEquals(List.of(), idsIn(page("/tasks?state=running")));
      assertEquals(idsOf(b, a), idsIn(page("/tasks?kind=noop")));
      assertEquals(idsOf(b), idsIn(page("/tasks?queue=emails")));
      assertEquals(idsOf(a), idsIn(page("/tasks?kind=noop&queue=default")));
      assertEquals(idsOf(d), idsIn(page("/tasks?state=available&kind=test.fail&queue=default")));
      assertEquals(List.of(), idsIn(page("/tasks?kind=nope")));
    }

    @Test
    void limit_and_the_next_cursor_walk_every_task_once_newest_first() {
      JsonObject t1 = submit("noop");
      JsonObject t2 = submit("noop");
      JsonObject t3 = submit("noop");
      JsonObject t4 = submit("noop");
      JsonObject t5 = submit("noop");

      JsonObject first = page("/tasks?limit=2");
      assertEquals(idsOf(t5, t4), idsIn(first));
      assertEquals(t4.getString("id"), first.getString("next"));

      JsonObject second = page("/tasks?limit=2&after=" + first.getString("next"));
      assertEquals(idsOf(t3, t2), idsIn(second));
      assertEquals(t2.getString("id"), second.getString("next"));

      JsonObject last = page("/tasks?limit=2&after=" + second.getString("next"));
      assertEquals(idsOf(t1), idsIn(last));
      assertNull(last.getValue("next"));
    }

    @Test
    void a_page_ending_exactly_at_the_oldest_task_has_no_next_cursor() {
      JsonObject t1 = submit("noop");
      JsonObject t2 = submit("noop");
      submit("noop");
      submit("noop");

      JsonObject second = page("/tasks?limit=2&after=" + page("/tasks?limit=2").getString("next"));

      assertEquals(idsOf(t2, t1), idsIn(second));
      assertNull(second.getValue("next"));
    }

    @Test
    void the_cursor_keeps_its_place_when_newer_tasks_arrive() {
      JsonObject t1 = submit("noop");
      JsonObject t2 = submit("noop");
      submit("noop");
      String next = page("/tasks?limit=1").getString("next");
      submit("noop");
      submit("noop");

      assertEquals(idsOf(t2, t1), idsIn(page("/tasks?limit=5&after=" + next)));
    }

    @Test
    void the_cursor_combines_with_filters() {
      JsonObject n1 = submit("noop");
      submit("test.fail");
      JsonObject n2 = submit("noop");
      submit("test.fail");
      JsonObject n3 = submit("noop");

      JsonObject first = page("/tasks?kind=noop&limit=1");
      assertEquals(idsOf(n3), idsIn(first));
      assertEquals(
          idsOf(n2, n1), idsIn(page("/tasks?kind=noop&limit=10&after=" + first.getString("next"))));
    }

    @Test
    void limit_may_be_1000() {
      submit("noop");
      assertEquals(1, idsIn(page("/tasks?limit=1000")).size());
    }

    @ParameterizedTest(name = "limit=<{0}>")
    @ValueSource(strings = {"0", "1001", "x", "-1", "", "1.5", "99999", "1e2"})
    void a_limit_that_is_not_an_integer_from_1_to_1000_is_a_json_400(String limit) {
      String message = assertError(get("/tasks?limit=" + limit), 400, "invalid_query");
      assertTrue(message.contains("limit"), message);
    }

    @Test
    void an_unknown_state_is_a_json_400_listing_the_states() {
      String message = assertError(get("/tasks?state=bogus"), 400, "invalid_query");
      assertTrue(
          message.contains(
              "available, scheduled, running, retryable, completed, cancelled, discarded"),
          message);
    }

    @Test
    void a_malformed_after_cursor_is_a_json_400() {
      String message = assertError(get("/tasks?after=yesterday"), 400, "invalid_id");
      assertTrue(message.contains("after"), message);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"kind=%00", "queue=a%00b"})
    void a_filter_holding_a_nul_character_is_a_json_400_not_a_500(String query) {
      assertError(get("/tasks?" + query), 400, "invalid_query");
    }
  }

  // ---- everything else
  // -----------------------------------------------------------------------------------

  @Nested
  class Routing {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/nope", "/tasks/a/b", "/task"})
    void an_unknown_route_is_a_json_404(String path) {
      String message = assertError(get(path), 404, "not_found");
      assertTrue(message.contains(path), message);
    }

    @Test
    void delete_on_the_task_collection_is_a_json_405() {
      String message =
          assertError(client().delete("/tasks").send().await(), 405, "method_not_allowed");
      assertTrue(message.contains("DELETE"), message);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource({
      "GET /tasks?padding=PAD HTTP/1.1|Host: x, 414, uri_too_long",
      "GET /health HTTP/1.1|Host: x|X-Padding: PAD, 431, headers_too_large",
      "POST /tasks HTTP/1.1|Host: x|Content-Length: abc, 400, bad_request"
    })
    void a_request_the_http_codec_cannot_parse_gets_a_json_error_and_a_closed_connection(
        String head, int status, String code) throws IOException {
      String request = head.replace("PAD", "p".repeat(9_000)).replace("|", "\r\n") + "\r\n\r\n";
      try (Socket socket = new Socket("127.0.0.1", offload.node().httpPort())) {
        socket.setSoTimeout(5_000);
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        // Read to the end: the server closes the connection after its answer.
        String response =
            new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertTrue(response.startsWith("HTTP/1."), response);
        assertEquals(status, Integer.parseInt(response.substring(9, 12)), response);
        assertTrue(response.toLowerCase(Locale.ROOT).contains("content-type: application/json"));
        JsonObject error =
            new JsonObject(response.substring(response.indexOf("\r\n\r\n") + 4))
                .getJsonObject("error");
        assertEquals(code, error.getString("code"), error.encode());
        assertFalse(error.getString("message").isBlank());
      }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
      "PUT, /tasks, 'GET, POST'",
      "DELETE, /health, GET",
      "PATCH, /tasks/0190c6a0-0000-7000-8000-000000000000/cancel, POST",
      "FOO, /tasks/batch, 'DELETE, GET, POST'"
    })
    void a_known_path_with_another_method_is_a_json_405_that_says_which_are_allowed(
        String method, String path, String allowed) {
      HttpResponse<Buffer> response =
          client().request(HttpMethod.valueOf(method), path).send().await();

      String message = assertError(response, 405, "method_not_allowed");
      assertEquals(allowed, response.getHeader("Allow"));
      assertTrue(message.contains(allowed), message);
    }

    @Test
    void put_on_a_task_is_a_json_405() {
      String id = submit("noop").getString("id");
      assertError(
          client().put("/tasks/" + id).sendJsonObject(new JsonObject()).await(),
          405,
          "method_not_allowed");
    }
  }
}

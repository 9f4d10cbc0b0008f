package dev.offload.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.fuzz.FuzzedNode.Answer;
import dev.offload.testing.Fuzz;
import dev.offload.testing.OffloadNodeExtension;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every route that takes a JSON body, under hostile bodies ({@link HostileBodies}): answered below
 * 500, every 4xx with the JSON error body, no stack trace, nothing logged (no event loop held over
 * 50 ms), {@code /health} answering throughout, and the heap back to its baseline at the end.
 */
@Fuzz
class JsonBodiesFuzzTest {

  @RegisterExtension static final OffloadNodeExtension offload = OffloadNodeExtension.withoutNode();

  private static final int TEN_MB = 10_000_000;

  /** Values of every type, for each known field in turn. */
  private static final List<String> WRONG_TYPES =
      List.of(
          "\"text\"",
          "\"\"",
          "0",
          "-1",
          "1.5",
          "true",
          "null",
          "[]",
          "{}",
          "[1,\"a\"]",
          "{\"a\":1}",
          "1e400",
          "\"\\u0000\"",
          "\"\\ud800\"");

  private static FuzzedNode node;
  private static FuzzCases cases;
  private static long userId;

  @BeforeAll
  static void start() throws InterruptedException {
    node = FuzzedNode.start(offload, Map.of());
    Answer user =
        node.send(json("POST", "/users", "{\"email\": \"fuzz@example.com\", \"name\": \"Fuzz\"}"));
    assertEquals(201, user.status(), user.toString());
    userId = new JsonObject(user.body()).getLong("id");
    // Every route once, so that what is made on first use is in the baseline.
    for (FuzzRequest warm :
        List.of(
            json("POST", "/tasks", "{\"kind\": \"noop\", \"delay\": \"1h\"}"),
            json("POST", "/tasks/batch", "{\"tasks\": [{\"kind\": \"noop\", \"delay\": \"1h\"}]}"),
            json("PATCH", "/users/" + userId, "{\"name\": \"Fuzz\"}"),
            json("PUT", "/admin/nodes/absent/workers", "{\"instances\": 1}"),
            json("POST", "/tasks", "{\"kind\": 1}"))) {
      node.send(warm);
    }
    cases = node.warmedUp();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @TestFactory
  Stream<DynamicNode> json_bodies_are_answered_below_500_with_json_errors() {
    return Stream.of(
        cases.requests("POST /tasks", 300, JsonBodiesFuzzTest::submission),
        cases.requests("POST /tasks/batch", 150, JsonBodiesFuzzTest::batch),
        cases.requests("POST /users", 200, JsonBodiesFuzzTest::newUser),
        cases.requests("PATCH /users/{id}", 150, JsonBodiesFuzzTest::userPatch),
        cases.requests("PUT /admin/nodes/{node}/workers", 100, JsonBodiesFuzzTest::scaling),
        cases.requests("POST /tasks/cancel and /tasks/retry", 150, JsonBodiesFuzzTest::bulk),
        cases.listed(
            "every known field with every type",
            wrongTypes().size(),
            index -> node.probe(wrongTypes().get(index))),
        cases.listed(
            "10 MB strings and bodies",
            HUGE.size(),
            index -> node.probe(HUGE.get(index).request(), JsonBodiesFuzzTest::refused)),
        cases.listed(
            "the largest bodies the limits allow, then a page of them",
            LARGEST.size(),
            index -> node.probe(LARGEST.get(index).get())),
        node.heapBackToBaseline());
  }

  // ---- valid bodies, field by field

  /** A valid submission: a kind that is quick to run, and some of the options. */
  private static Map<String, String> task(Hostile hostile) {
    Map<String, String> fields = new LinkedHashMap<>();
    switch (hostile.between(0, 2)) {
      case 0 -> fields.put("kind", "\"noop\"");
      case 1 -> {
        fields.put("kind", "\"sleep\"");
        fields.put("args", "{\"seconds\": 0.01}");
      }
      default -> {
        fields.put("kind", "\"users.export\"");
        fields.put("args", "{\"format\": \"ndjson\"}");
      }
    }
    maybe(hostile, fields, "queue", "\"fuzz\"");
    maybe(hostile, fields, "priority", String.valueOf(hostile.between(0, 9)));
    maybe(hostile, fields, "max_attempts", String.valueOf(hostile.between(1, 3)));
    maybe(hostile, fields, "timeout", "\"30s\"");
    maybe(hostile, fields, "delay", "\"1h\"");
    maybe(hostile, fields, "run_at", "\"2030-01-01T00:00:00Z\"");
    maybe(hostile, fields, "unique_key", "\"key-" + hostile.between(0, 50) + "\"");
    maybe(hostile, fields, "callback_url", "\"http://127.0.0.1:1/callback\"");
    return fields;
  }

  private static void maybe(Hostile hostile, Map<String, String> fields, String key, String v) {
    if (hostile.percent(30)) {
      fields.put(key, v);
    }
  }

  private static Map<String, String> user(Hostile hostile) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("email", "\"fuzz" + hostile.nextLong() + "@example.com\"");
    fields.put("name", "\"Fuzz " + hostile.between(0, 1_000) + "\"");
    return fields;
  }

  // ---- the families

  private static FuzzRequest submission(Hostile hostile) {
    HostileBodies bodies = new HostileBodies(hostile);
    FuzzRequest request = sent(hostile, bodies, "POST", "/tasks", bodies.from(task(hostile)));
    if (hostile.percent(20)) {
      request =
          request.header(
              "idempotency-key",
              hostile.pick("key-1", "", " ", "k".repeat(300), "\"quoted\"", "a, b", "%00"));
    }
    return request;
  }

  /** A batch whose body is hostile, or whose body is fine but one task in it is not. */
  private static FuzzRequest batch(Hostile hostile) {
    HostileBodies bodies = new HostileBodies(hostile);
    List<byte[]> tasks = new ArrayList<>();
    int count = hostile.percent(5) ? hostile.pick(1_000, 1_001) : hostile.between(0, 5);
    for (int i = 0; i < count; i++) {
      tasks.add(HostileBodies.render(task(hostile)));
    }
    byte[] body;
    if (hostile.percent(50) && !tasks.isEmpty()) {
      tasks.set(hostile.between(0, tasks.size() - 1), bodies.from(task(hostile)));
      body = join("{\"tasks\":[", tasks, "]}");
    } else {
      Map<String, String> fields = new LinkedHashMap<>();
      fields.put("tasks", new String(join("[", tasks, "]"), StandardCharsets.UTF_8));
      body = bodies.from(fields);
    }
    return sent(hostile, bodies, "POST", "/tasks/batch", body);
  }

  private static FuzzRequest newUser(Hostile hostile) {
    HostileBodies bodies = new HostileBodies(hostile);
    return sent(hostile, bodies, "POST", "/users", bodies.from(user(hostile)));
  }

  private static FuzzRequest userPatch(Hostile hostile) {
    HostileBodies bodies = new HostileBodies(hostile);
    Map<String, String> fields = user(hostile);
    if (hostile.percent(50)) {
      fields.remove(hostile.pick("email", "name"));
    }
    String id = hostile.percent(80) ? String.valueOf(userId) : hostile.pathSegment();
    return sent(hostile, bodies, "PATCH", "/users/" + id, bodies.from(fields));
  }

  private static FuzzRequest scaling(Hostile hostile) {
    HostileBodies bodies = new HostileBodies(hostile);
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("instances", String.valueOf(hostile.between(0, 4)));
    // A node that does not exist: the body is checked first, and no fuzzed count scales a real one.
    String nodeId = hostile.percent(80) ? "absent-node" : hostile.pathSegment();
    return sent(hostile, bodies, "PUT", "/admin/nodes/" + nodeId + "/workers", bodies.from(fields));
  }

  /** Bulk cancel or retry, by ids or by a filter, of tasks of a queue no other family uses. */
  private static FuzzRequest bulk(Hostile hostile) {
    HostileBodies bodies = new HostileBodies(hostile);
    Map<String, String> fields = new LinkedHashMap<>();
    if (hostile.percent(50)) {
      List<String> ids = new ArrayList<>();
      for (int i = hostile.percent(5) ? 1_001 : hostile.between(0, 3); i > 0; i--) {
        ids.add("\"" + hostile.uuid() + "\"");
      }
      fields.put("ids", "[" + String.join(",", ids) + "]");
    } else {
      fields.put(
          "filter",
          hostile.pick(
              "{\"queue\": \"fuzz-bulk\"}",
              "{\"queue\": \"fuzz-bulk\", \"state\": [\"available\", \"discarded\"]}",
              "{\"queue\": \"fuzz-bulk\", \"created_after\": \"2026-01-01T00:00:00Z\"}",
              "{}",
              "{\"state\": \"nonsense\"}"));
    }
    String path = hostile.pick("/tasks/cancel", "/tasks/retry");
    return sent(hostile, bodies, "POST", path, bodies.from(fields));
  }

  /** With its content type, and the token, which is now and then wrong or missing. */
  private static FuzzRequest sent(
      Hostile hostile, HostileBodies bodies, String method, String uri, byte[] body) {
    FuzzRequest request = FuzzRequest.of(method, uri).body(body);
    String contentType = bodies.contentType();
    if (!contentType.isEmpty()) {
      request = request.header("content-type", contentType);
    }
    String authorization =
        hostile.percent(95)
            ? "Bearer " + FuzzedNode.TOKEN
            : hostile.pick("", "Bearer", "Bearer wrong", "Basic Zm9vOmJhcg==", "bearer x");
    return authorization.isEmpty() ? request : request.header("authorization", authorization);
  }

  // ---- listed cases

  /** Each known field of each JSON route, with each value of {@link #WRONG_TYPES}. */
  private static List<FuzzRequest> wrongTypes() {
    Map<String, List<String>> fields = new LinkedHashMap<>();
    fields.put(
        "POST /tasks",
        List.of(
            "kind",
            "args",
            "queue",
            "priority",
            "max_attempts",
            "timeout",
            "delay",
            "run_at",
            "unique_key",
            "callback_url"));
    fields.put("POST /tasks/batch", List.of("tasks"));
    fields.put("POST /users", List.of("email", "name"));
    fields.put("PATCH /users/" + userId, List.of("email", "name"));
    fields.put("PUT /admin/nodes/absent-node/workers", List.of("instances"));
    List<FuzzRequest> requests = new ArrayList<>();
    fields.forEach(
        (route, names) -> {
          String[] methodAndPath = route.split(" ");
          for (String field : names) {
            for (String value : WRONG_TYPES) {
              Map<String, String> body = new LinkedHashMap<>();
              if (route.equals("POST /tasks") && !field.equals("kind")) {
                body.put("kind", "\"noop\"");
              }
              body.put(field, value);
              requests.add(
                  json(
                      methodAndPath[0],
                      methodAndPath[1],
                      new String(HostileBodies.render(body), StandardCharsets.UTF_8)));
            }
          }
        });
    return requests;
  }

  /** A body of 10 MB or more, and what part of it is large. */
  private record Huge(String what, String method, String uri, String before, String after) {

    FuzzRequest request() {
      return json(method, uri, before + Hostile.longString(TEN_MB) + after);
    }
  }

  private static final List<Huge> HUGE =
      List.of(
          new Huge("an arg", "POST", "/tasks", "{\"kind\":\"noop\",\"args\":{\"s\":", "}}"),
          new Huge("the kind", "POST", "/tasks", "{\"kind\":", "}"),
          new Huge(
              "an arg in a batch",
              "POST",
              "/tasks/batch",
              "{\"tasks\":[{\"kind\":\"noop\",\"delay\":\"1h\",\"args\":{\"s\":",
              "}}]}"),
          new Huge("a kind in a batch", "POST", "/tasks/batch", "{\"tasks\":[{\"kind\":", "}]}"),
          new Huge("a key in a batch", "POST", "/tasks/batch", "{\"tasks\":[{", ":1}]}"),
          new Huge("an email", "POST", "/users", "{\"name\":\"a\",\"email\":", "}"),
          new Huge("a name", "PATCH", "/users/1", "{\"name\":", "}"),
          new Huge("instances", "PUT", "/admin/nodes/absent-node/workers", "{\"instances\":", "}"));

  /** {@code http.body_limit} as the tests' nodes have it (the default). */
  private static final int BODY_LIMIT = 1_048_576;

  /**
   * Valid bodies just within their route's limit, in the shapes that cost most to read, check and
   * store: one long string, many small numbers, many keys; then the page that lists them.
   */
  private static final List<Supplier<FuzzRequest>> LARGEST =
      List.of(
          () -> task(Hostile.longString(BODY_LIMIT - 100)),
          () -> task("[" + "1,".repeat(BODY_LIMIT / 2 - 100) + "1]"),
          () -> task(manyKeys(BODY_LIMIT - 100)),
          () -> batchOf("\"s\":" + Hostile.longString(950)),
          () -> batchOf("\"a\":[" + "1,".repeat(470) + "1]"),
          () ->
              json(
                  "POST",
                  "/users",
                  "{\"email\":\"big@example.com\",\"name\":"
                      + Hostile.longString(BODY_LIMIT - 100)
                      + "}"),
          () -> FuzzRequest.of("GET", "/tasks?limit=1000"));

  private static FuzzRequest task(String arg) {
    return json(
        "POST", "/tasks", "{\"kind\":\"noop\",\"delay\":\"1h\",\"args\":{\"x\":" + arg + "}}");
  }

  /** 1,000 tasks (the most a batch takes) with these args, within the batch's 1 MiB. */
  private static FuzzRequest batchOf(String args) {
    List<byte[]> tasks = new ArrayList<>();
    byte[] task =
        ("{\"kind\":\"noop\",\"delay\":\"1h\",\"args\":{" + args + "}}")
            .getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 1_000; i++) {
      tasks.add(task);
    }
    return json(
        "POST",
        "/tasks/batch",
        new String(join("{\"tasks\":[", tasks, "]}"), StandardCharsets.UTF_8));
  }

  /** An object of {@code bytes} bytes made of small keys. */
  private static String manyKeys(int bytes) {
    StringBuilder object = new StringBuilder("{");
    for (int i = 0; object.length() < bytes - 20; i++) {
      object.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":0");
    }
    return object.append('}').toString();
  }

  /** A 10 MB body is never taken: 413 over the route's limit (or a task's), 400 within it. */
  private static Optional<String> refused(FuzzRequest request, Answer answer) {
    assertTrue(
        answer.status() == 413 || answer.status() == 400,
        "a body of " + request.body().length + " bytes is refused with 413 or 400");
    return Optional.empty();
  }

  // ---- helpers

  private static FuzzRequest json(String method, String uri, String body) {
    return FuzzRequest.of(method, uri)
        .header("content-type", "application/json")
        .header("authorization", "Bearer " + FuzzedNode.TOKEN)
        .body(body);
  }

  private static byte[] join(String before, List<byte[]> items, String after) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      out.writeBytes(items.get(i));
    }
    out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }
}

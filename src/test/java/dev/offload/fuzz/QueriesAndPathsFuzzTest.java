package dev.offload.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.offload.fuzz.FuzzedNode.Answer;
import dev.offload.support.Durations;
import dev.offload.testing.Fuzz;
import dev.offload.testing.OffloadNodeExtension;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every query parameter and path parameter, every method on every path, and the upload routes'
 * bodies, under hostile values ({@link Hostile}): the same properties as {@link
 * JsonBodiesFuzzTest}. {@code /fetch-data} calls an upstream that answers every GET with 200; its
 * 502, 503 and 504 are the only 5xx allowed, as answers about that upstream.
 */
@Fuzz
class QueriesAndPathsFuzzTest {

  @RegisterExtension static final OffloadNodeExtension offload = OffloadNodeExtension.withoutNode();

  private static final List<String> STATES =
      List.of(
          "available", "scheduled", "running", "retryable", "completed", "cancelled", "discarded");

  /** Methods, known and made up; CONNECT is left to the raw-socket fuzzer. */
  private static final List<String> METHODS =
      List.of(
          "GET",
          "POST",
          "PUT",
          "PATCH",
          "DELETE",
          "HEAD",
          "OPTIONS",
          "TRACE",
          "FOO",
          "get",
          "PROPFIND");

  /** Delays above this are made this, so that no case waits long on a valid delay. */
  private static final Duration LONGEST_DELAY = Duration.ofMillis(20);

  private static FuzzedNode node;
  private static FuzzCases cases;
  private static String taskId;
  private static long userId;

  @BeforeAll
  static void start() throws InterruptedException {
    node = FuzzedNode.start(offload, Map.of());
    Answer task = node.send(authorized(json("POST", "/tasks", "{\"kind\": \"noop\"}")));
    assertEquals(202, task.status(), task.toString());
    taskId = new JsonObject(task.body()).getString("id");
    Answer user =
        node.send(
            authorized(json("POST", "/users", "{\"email\": \"q@example.com\", \"name\": \"Q\"}")));
    assertEquals(201, user.status(), user.toString());
    userId = new JsonObject(user.body()).getLong("id");
    for (String uri :
        List.of(
            "/tasks?limit=1",
            "/tasks/" + taskId,
            "/users?limit=1",
            "/users/" + userId,
            "/async-task?delay=0",
            "/sync-task?delay=0",
            "/fetch-data/echo/a",
            "/fetch-data/echo?paths=a,b",
            "/nowhere")) {
      node.send(FuzzRequest.of("GET", uri));
    }
    node.send(authorized(FuzzRequest.of("POST", "/images/thumbnail?width=1").body("x")));
    node.send(authorized(FuzzRequest.of("POST", "/users/import").body("email,name\n")));
    cases = node.warmedUp();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @TestFactory
  Stream<DynamicNode> queries_paths_and_methods_are_answered_below_500_with_json_errors() {
    return Stream.of(
        cases.requests("GET /tasks?state&kind&queue&limit&after", 200, this::taskList),
        cases.requests("GET /users?limit&after", 100, this::userList),
        cases.requests("GET /async-task and /sync-task?delay", 100, this::demo),
        cases.requests("GET /fetch-data/{upstream}?paths", 120, this::fanOut),
        cases.requests("queues and stats", 100, this::queuesAndStats),
        cases.requests("task ids", 150, this::taskPaths),
        cases.requests("user ids", 100, this::userPaths),
        cases.requests("GET /fetch-data/{upstream}/{path}", 120, this::upstreamPaths),
        cases.requests("every method on every path", 150, this::methods),
        cases.requests("POST /images/thumbnail?width&height and uploads", 60, this::uploads),
        node.heapBackToBaseline());
  }

  // ---- query parameters

  private FuzzRequest taskList(Hostile hostile) {
    Map<String, Function<Hostile, String>> params = new LinkedHashMap<>();
    params.put("state", h -> h.pick(STATES));
    params.put("kind", h -> "noop");
    params.put("queue", h -> "default");
    params.put("limit", h -> String.valueOf(h.between(1, 1_000)));
    params.put("after", h -> h.uuid().toString());
    params.put("q", h -> h.pick("noop", "order-77", taskId, "%25", "a_b"));
    params.put("created_after", h -> h.pick("2026-01-01T00:00:00Z", "1970-01-01T00:00:00Z"));
    params.put("created_before", h -> h.pick("2100-01-01T00:00:00Z", "2026-01-01T00:00:00.5Z"));
    return FuzzRequest.of("GET", "/tasks" + query(hostile, params));
  }

  /** The queue routes, the stats and their series. */
  private FuzzRequest queuesAndStats(Hostile hostile) {
    return switch (hostile.between(0, 3)) {
      case 0 ->
          authorized(
              FuzzRequest.of(
                  "POST",
                  "/queues/"
                      + (hostile.percent(60) ? "fuzz" : hostile.pathSegment())
                      + hostile.pick("/pause", "/resume")));
      case 1 -> {
        Map<String, Function<Hostile, String>> params = new LinkedHashMap<>();
        params.put("minutes", h -> String.valueOf(h.between(1, 60)));
        yield FuzzRequest.of("GET", "/stats/series" + query(hostile, params));
      }
      case 2 -> FuzzRequest.of("GET", "/stats" + query(hostile, new LinkedHashMap<>()));
      default -> FuzzRequest.of("GET", "/queues" + query(hostile, new LinkedHashMap<>()));
    };
  }

  private FuzzRequest userList(Hostile hostile) {
    Map<String, Function<Hostile, String>> params = new LinkedHashMap<>();
    params.put("limit", h -> String.valueOf(h.between(1, 1_000)));
    params.put("after", h -> String.valueOf(h.between(1, 100)));
    return FuzzRequest.of("GET", "/users" + query(hostile, params));
  }

  private FuzzRequest demo(Hostile hostile) {
    Map<String, Function<Hostile, String>> params = new LinkedHashMap<>();
    params.put("delay", h -> h.pick("0", "1ms", "10ms", "0.01", "0s"));
    String path = hostile.pick("/async-task", "/sync-task");
    return FuzzRequest.of("GET", path + shortDelays(query(hostile, params)));
  }

  private FuzzRequest fanOut(Hostile hostile) {
    Map<String, Function<Hostile, String>> params = new LinkedHashMap<>();
    params.put(
        "paths",
        h -> {
          List<String> paths = new ArrayList<>();
          for (int i = h.percent(5) ? 51 : h.between(1, 5); i > 0; i--) {
            paths.add(h.percent(70) ? "todos/" + h.between(1, 9) : h.pathSegment());
          }
          return String.join(h.pick(",", "%2C"), paths);
        });
    String upstream = hostile.percent(80) ? "echo" : hostile.pathSegment();
    return FuzzRequest.of("GET", "/fetch-data/" + upstream + query(hostile, params));
  }

  /**
   * Each parameter now and then, valid or hostile; sometimes given twice, with a name of its own,
   * without {@code =}, or among hundreds of others.
   */
  private static String query(Hostile hostile, Map<String, Function<Hostile, String>> params) {
    List<String> parts = new ArrayList<>();
    params.forEach(
        (name, valid) -> {
          if (hostile.percent(60)) {
            parts.add(
                name + "=" + (hostile.percent(50) ? valid.apply(hostile) : hostile.queryValue()));
          }
        });
    if (!parts.isEmpty() && hostile.percent(15)) {
      parts.add(hostile.pick(parts));
    }
    if (hostile.percent(10)) {
      parts.add(hostile.pick("x=1", "name", "=value", "&", "%00=%00", "a[]=1", "a.b=c"));
    }
    if (hostile.percent(3)) {
      for (int i = hostile.between(100, 800); i > 0; i--) {
        parts.add("p" + i + "=" + i);
      }
    }
    return parts.isEmpty() && hostile.percent(50) ? "" : "?" + String.join("&", parts);
  }

  /**
   * The query with any delay that would make the case wait made short, and {@code delay=0} last,
   * which the routes read only when no delay came before (else they wait 2 s).
   */
  private static String shortDelays(String query) {
    List<String> parts = new ArrayList<>();
    for (String part : query.split("&", -1)) {
      int equals = part.indexOf('=');
      String value = equals < 0 ? "" : part.substring(equals + 1);
      parts.add(waits(value) ? part.substring(0, equals + 1) + "10ms" : part);
    }
    return (query.isEmpty() ? "?" : String.join("&", parts) + "&") + "delay=0";
  }

  private static boolean waits(String encoded) {
    try {
      return Durations.parse(URLDecoder.decode(encoded, StandardCharsets.UTF_8))
              .compareTo(LONGEST_DELAY)
          > 0;
    } catch (IllegalArgumentException notADuration) {
      return false;
    }
  }

  // ---- path parameters

  private FuzzRequest taskPaths(Hostile hostile) {
    String id =
        switch (hostile.between(0, 3)) {
          case 0 -> taskId;
          case 1 -> hostile.uuid().toString();
          case 2 -> taskId.toUpperCase() + hostile.pick("", "0", "%00", "/");
          default -> hostile.pathSegment();
        };
    String[] route =
        hostile.pick(
            new String[] {"GET", ""},
            new String[] {"GET", "/result"},
            new String[] {"POST", "/cancel"},
            new String[] {"POST", "/retry"},
            new String[] {"DELETE", ""});
    return authorized(FuzzRequest.of(route[0], "/tasks/" + id + route[1]));
  }

  private FuzzRequest userPaths(Hostile hostile) {
    String id =
        switch (hostile.between(0, 2)) {
          case 0 -> String.valueOf(userId);
          case 1 -> String.valueOf(hostile.nextLong());
          default -> hostile.pathSegment();
        };
    String method = hostile.pick("GET", "GET", "PATCH", "DELETE");
    FuzzRequest request = authorized(FuzzRequest.of(method, "/users/" + id));
    return method.equals("PATCH")
        ? request.header("content-type", "application/json").body("{\"name\": \"Q\"}")
        : request;
  }

  private FuzzRequest upstreamPaths(Hostile hostile) {
    StringBuilder uri =
        new StringBuilder("/fetch-data/")
            .append(hostile.percent(80) ? "echo" : hostile.pathSegment());
    for (int i = hostile.between(1, 4); i > 0; i--) {
      uri.append('/').append(hostile.percent(50) ? "todos" : hostile.pathSegment());
    }
    if (hostile.percent(30)) {
      uri.append('?').append(hostile.queryValue());
    }
    return FuzzRequest.of("GET", uri.toString());
  }

  /** Any method on a known path, and on paths that no route has. */
  private FuzzRequest methods(Hostile hostile) {
    String path =
        hostile.pick(
            "/health",
            "/ready",
            "/metrics",
            "/tasks",
            "/tasks/batch",
            "/tasks/" + taskId,
            "/tasks/" + taskId + "/cancel",
            "/tasks/cancel",
            "/tasks/retry",
            "/queues",
            "/queues/fuzz/pause",
            "/stats",
            "/stats/series",
            "/users",
            "/users/" + userId,
            "/users/import",
            "/admin/nodes",
            "/admin/nodes/absent-node/workers",
            "/async-task?delay=0",
            "/fetch-data/echo",
            "/images/thumbnail",
            "/",
            "/nowhere",
            "/tasks/",
            "/users//1",
            "/TASKS",
            "//tasks",
            "/tasks/../users",
            "/%2e%2e/health",
            "/health%00",
            "/health;x=1");
    String query =
        hostile.percent(30) ? (path.contains("?") ? "&" : "?") + hostile.queryValue() : "";
    FuzzRequest request = FuzzRequest.of(hostile.pick(METHODS), path + query);
    return hostile.percent(50) ? authorized(request) : request;
  }

  // ---- uploads

  private FuzzRequest uploads(Hostile hostile) {
    if (hostile.percent(50)) {
      Map<String, Function<Hostile, String>> params = new LinkedHashMap<>();
      params.put("width", h -> String.valueOf(h.between(1, 4_096)));
      params.put("height", h -> String.valueOf(h.between(1, 4_096)));
      return authorized(
          FuzzRequest.of("POST", "/images/thumbnail" + query(hostile, params))
              .header("content-type", hostile.pick("image/png", "image/jpeg", "text/plain", "x"))
              .body(image(hostile)));
    }
    return authorized(
        FuzzRequest.of("POST", "/users/import")
            .header("content-type", hostile.pick("text/csv", "application/json", "x"))
            .body(csv(hostile)));
  }

  /** Bytes that start like an image, or not at all. */
  private static byte[] image(Hostile hostile) {
    ByteArrayOutputStream image = new ByteArrayOutputStream();
    image.writeBytes(
        hostile.pick(
            new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'},
            new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff},
            "GIF89a".getBytes(StandardCharsets.US_ASCII),
            "BM".getBytes(StandardCharsets.US_ASCII),
            new byte[0]));
    image.writeBytes(hostile.randomBytes(hostile.between(0, 20_000)));
    return image.toByteArray();
  }

  /** A CSV of users, its rows made of hostile pieces. */
  private static byte[] csv(Hostile hostile) {
    ByteArrayOutputStream csv = new ByteArrayOutputStream();
    csv.writeBytes(
        hostile
            .pick("email,name\n", "\ufeffname,email\r\n", "", "email\n", "\"email\",\"name\"\n")
            .getBytes(StandardCharsets.UTF_8));
    for (int row = hostile.between(0, 50); row > 0; row--) {
      String email = "u" + hostile.nextLong() + "@example.com";
      String name =
          hostile.pick(
              "Name",
              "\"quoted, with comma\"",
              "\"unclosed",
              "=1+1",
              "'=x",
              "a\"b",
              "\"\"\"\"",
              "x".repeat(hostile.between(1, 70_000)));
      csv.writeBytes((email + "," + name).getBytes(StandardCharsets.UTF_8));
      if (hostile.percent(10)) {
        csv.writeBytes(hostile.notUtf8());
      }
      csv.writeBytes(hostile.pick("\n", "\r\n", "\r", "").getBytes(StandardCharsets.UTF_8));
    }
    return csv.toByteArray();
  }

  // ---- helpers

  private static FuzzRequest json(String method, String uri, String body) {
    return FuzzRequest.of(method, uri).header("content-type", "application/json").body(body);
  }

  private static FuzzRequest authorized(FuzzRequest request) {
    return request.header("authorization", "Bearer " + FuzzedNode.TOKEN);
  }
}

package dev.offload.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.OffloadNodeExtension;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Named tokens with scopes on a real node: which scope every route needs, and the 401 and 403 a
 * request without the right token gets.
 */
class TokenScopesTest {

  private static final String READER = "reader-0123456789abcdef";
  private static final String SUBMITTER = "submitter-0123456789abcdef";
  private static final String OPERATOR = "operator-0123456789abcdef";
  private static final String SCRAPER = "scraper-0123456789abcdef";
  private static final String WORKER = "worker-0123456789abcdef";

  /** For each scope, a token with every other scope but that one. */
  private static final Map<String, String> ALL_BUT =
      Map.of(
          "read", "all-but-read-0123456789abcdef",
          "submit", "all-but-submit-0123456789abcdef",
          "admin", "all-but-admin-0123456789abcdef",
          "metrics", "all-but-metrics-0123456789abcdef",
          "work", "all-but-work-0123456789abcdef");

  /** For each scope, a token with that scope alone. */
  private static final Map<String, String> ONLY =
      Map.of(
          "read", READER, "submit", SUBMITTER, "admin", OPERATOR, "metrics", SCRAPER, "work",
          WORKER);

  @RegisterExtension
  static final OffloadNodeExtension offload =
      OffloadNodeExtension.withoutNode()
          .workers(0)
          .env(
              "OFFLOAD_HTTP_TOKENS",
              new JsonObject()
                  .put("reader", token(READER, "read"))
                  .put("submitter", token(SUBMITTER, "submit"))
                  .put("operator", token(OPERATOR, "admin"))
                  .put("scraper", token(SCRAPER, "metrics"))
                  .put("worker", token(WORKER, "work"))
                  .put("no-work", token(ALL_BUT.get("work"), "read", "submit", "admin", "metrics"))
                  .put("no-read", token(ALL_BUT.get("read"), "submit", "work", "admin", "metrics"))
                  .put(
                      "no-submit", token(ALL_BUT.get("submit"), "read", "work", "admin", "metrics"))
                  .put("no-admin", token(ALL_BUT.get("admin"), "read", "submit", "work", "metrics"))
                  .put(
                      "no-metrics",
                      token(ALL_BUT.get("metrics"), "read", "submit", "work", "admin"))
                  .encode());

  private static WebClient client;

  @BeforeAll
  static void startNode() throws InterruptedException {
    client = offload.start().client();
  }

  private static JsonObject token(String secret, String... scopes) {
    return new JsonObject().put("token", secret).put("scopes", new JsonArray(List.of(scopes)));
  }

  /** Every route the API serves, with the scope it needs: the table of docs/api.md. */
  static Stream<Arguments> routes() {
    String id = "01a22fb4-d6a2-7000-b57f-764adcf12da1";
    return Stream.of(
        Arguments.of(HttpMethod.GET, "/metrics", "metrics"),
        Arguments.of(HttpMethod.GET, "/async-task?delay=1ms", "read"),
        Arguments.of(HttpMethod.GET, "/sync-task?delay=1ms", "read"),
        Arguments.of(HttpMethod.GET, "/tasks", "read"),
        Arguments.of(HttpMethod.GET, "/tasks/" + id, "read"),
        Arguments.of(HttpMethod.GET, "/tasks/" + id + "/result", "read"),
        Arguments.of(HttpMethod.POST, "/tasks", "submit"),
        Arguments.of(HttpMethod.POST, "/tasks/batch", "submit"),
        Arguments.of(HttpMethod.POST, "/tasks/" + id + "/cancel", "submit"),
        Arguments.of(HttpMethod.POST, "/tasks/" + id + "/retry", "submit"),
        Arguments.of(HttpMethod.POST, "/users/import", "submit"),
        Arguments.of(HttpMethod.POST, "/images/thumbnail?width=10", "submit"),
        Arguments.of(HttpMethod.GET, "/users", "read"),
        Arguments.of(HttpMethod.GET, "/users/1", "read"),
        Arguments.of(HttpMethod.POST, "/users", "submit"),
        Arguments.of(HttpMethod.PATCH, "/users/1", "submit"),
        Arguments.of(HttpMethod.DELETE, "/users/1", "submit"),
        Arguments.of(HttpMethod.GET, "/fetch-data/none?paths=a", "read"),
        Arguments.of(HttpMethod.GET, "/fetch-data/none/a", "read"),
        Arguments.of(HttpMethod.GET, "/admin/nodes", "admin"),
        Arguments.of(HttpMethod.PUT, "/admin/nodes/none/workers", "admin"),
        Arguments.of(HttpMethod.GET, "/workers", "read"),
        Arguments.of(HttpMethod.GET, "/kinds", "read"),
        Arguments.of(HttpMethod.POST, "/workers", "work"),
        Arguments.of(HttpMethod.DELETE, "/workers/" + id, "work"),
        Arguments.of(HttpMethod.POST, "/workers/" + id + "/claim", "work"),
        Arguments.of(HttpMethod.POST, "/workers/" + id + "/heartbeat", "work"),
        Arguments.of(HttpMethod.POST, "/workers/" + id + "/progress", "work"),
        Arguments.of(HttpMethod.POST, "/workers/" + id + "/complete", "work"),
        Arguments.of(HttpMethod.POST, "/workers/" + id + "/fail", "work"),
        Arguments.of(HttpMethod.POST, "/workers/" + id + "/release", "work"),
        Arguments.of(HttpMethod.POST, "/workers/" + id + "/outcomes", "work"),
        // No route: the router's 404 or 405 comes after the token check.
        Arguments.of(HttpMethod.GET, "/no/such/route", "read"),
        Arguments.of(HttpMethod.DELETE, "/tasks", "submit"),
        Arguments.of(HttpMethod.GET, "/admin/no/such/route", "admin"));
  }

  @ParameterizedTest(name = "{0} {1} needs {2}")
  @MethodSource("routes")
  void every_route_needs_its_scope(HttpMethod method, String uri, String scope) {
    HttpResponse<Buffer> missing = send(client.request(method, uri));
    assertError(missing, 401, "unauthorized");
    assertEquals("Bearer", missing.getHeader("www-authenticate"));

    HttpResponse<Buffer> without =
        send(client.request(method, uri).bearerTokenAuthentication(ALL_BUT.get(scope)));
    assertError(without, 403, "forbidden");
    assertTrue(
        without
            .bodyAsJsonObject()
            .getJsonObject("error")
            .getString("message")
            .contains("'" + scope + "'"),
        without.bodyAsString());
    assertEquals(
        "Bearer error=\"insufficient_scope\", scope=\"" + scope + "\"",
        without.getHeader("www-authenticate"));

    HttpResponse<Buffer> with =
        send(client.request(method, uri).bearerTokenAuthentication(ONLY.get(scope)));
    assertTrue(
        with.statusCode() != 401 && with.statusCode() != 403,
        "a token with "
            + scope
            + " alone passes: "
            + with.statusCode()
            + " "
            + with.bodyAsString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/health", "/ready"})
  void probes_need_no_token(String path) {
    assertEquals(200, client.get(path).send().await().statusCode());
  }

  /** The API's description and its page: a browser cannot send a token with them. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "/openapi.json",
        "/openapi.yaml",
        "/docs",
        "/docs/redoc-2.5.4/redoc.standalone.js"
      })
  void the_description_of_the_api_needs_no_token(String path) {
    assertEquals(200, client.get(path).send().await().statusCode());
  }

  @Test
  void an_unknown_token_is_a_401_with_an_invalid_token_challenge() {
    HttpResponse<Buffer> response =
        client.get("/tasks").bearerTokenAuthentication("not-a-token-0123456789").send().await();

    assertError(response, 401, "unauthorized");
    assertEquals("Bearer error=\"invalid_token\"", response.getHeader("www-authenticate"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Bearer ", "bearer ", "BEARER ", "bEaReR   "})
  void the_scheme_is_matched_in_any_case(String scheme) {
    assertEquals(
        200,
        client
            .get("/tasks")
            .putHeader("authorization", scheme + READER)
            .send()
            .await()
            .statusCode());
  }

  @ParameterizedTest
  @ValueSource(strings = {"Basic " + READER, READER, "Bearer", "Bearer  ", "Token " + READER})
  void anything_but_a_bearer_token_is_a_missing_token(String header) {
    HttpResponse<Buffer> response =
        client.get("/tasks").putHeader("authorization", header).send().await();

    assertError(response, 401, "unauthorized");
    assertEquals("Bearer", response.getHeader("www-authenticate"));
  }

  @Test
  void dot_segments_cannot_lead_a_read_token_to_the_admin_routes() {
    HttpResponse<Buffer> response =
        client.get("/tasks/../admin/nodes").bearerTokenAuthentication(READER).send().await();

    assertError(response, 403, "forbidden");
  }

  @Test
  void a_path_with_a_broken_percent_escape_is_a_400_not_a_500() {
    // Found by the fuzz suite: the scope is looked up on the normalised path, which such a path has
    // none of.
    for (String path : new String[] {"/tasks/%zz", "/health%", "/admin/nodes/%/workers"}) {
      HttpResponse<Buffer> response =
          client.get(path).bearerTokenAuthentication(READER).send().await();
      assertError(response, 400, "bad_request");
    }
  }

  @Test
  void a_submitted_task_can_be_read_with_a_read_token_only() {
    HttpResponse<Buffer> submitted =
        client
            .post("/tasks")
            .bearerTokenAuthentication(SUBMITTER)
            .sendJsonObject(new JsonObject().put("kind", "noop"))
            .await();
    assertEquals(202, submitted.statusCode(), submitted.bodyAsString());
    String location = submitted.getHeader("location");

    assertError(
        client.get(location).bearerTokenAuthentication(SUBMITTER).send().await(), 403, "forbidden");
    HttpResponse<Buffer> read =
        client.get(location).bearerTokenAuthentication(READER).send().await();
    assertEquals(200, read.statusCode());
    assertNull(read.getHeader("www-authenticate"));
  }

  private static HttpResponse<Buffer> send(HttpRequest<Buffer> request) {
    return request.send().await();
  }

  private static void assertError(HttpResponse<Buffer> response, int status, String code) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    assertEquals(code, response.bodyAsJsonObject().getJsonObject("error").getString("code"));
  }
}

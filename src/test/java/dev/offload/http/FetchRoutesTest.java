package dev.offload.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.Eventually;
import dev.offload.testing.FakeUpstream;
import dev.offload.testing.OffloadNodeExtension;
import dev.offload.testing.Timing;
import dev.offload.upstream.Upstream;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code /fetch-data} on a real node whose upstreams ({@code OFFLOAD_UPSTREAMS}) all point at a
 * {@link FakeUpstream} on port 0; the default {@code todos} upstream is replaced, so nothing
 * reaches the internet.
 */
class FetchRoutesTest {

  @RegisterExtension
  static final OffloadNodeExtension offload =
      OffloadNodeExtension.withoutNode().workers(0).keepDataBetweenTests();

  private static FakeUpstream fake;
  private static WebClient client;

  @BeforeAll
  static void startFakeThenNode() throws InterruptedException {
    fake = new FakeUpstream();
    offload.vertx().deployVerticle(fake).await();
    String upstreams =
        new JsonObject()
            // A breaker that never opens here, so that the failures of one test cannot fail the
            // next.
            .put(
                "fake",
                new JsonObject()
                    .put("base_url", fake.baseUrl())
                    .put("timeout", "1s")
                    .put("retries", 2)
                    .put("breaker_failures", 1000))
            .put(
                "quick",
                new JsonObject()
                    .put("base_url", fake.baseUrl())
                    .put("timeout", "300ms")
                    .put("retries", 0)
                    .put("breaker_failures", 1000))
            .put(
                "fragile",
                new JsonObject()
                    .put("base_url", fake.baseUrl())
                    .put("retries", 0)
                    .put("breaker_failures", 2)
                    .put("breaker_reset", "300ms"))
            .put(
                "nowhere",
                new JsonObject()
                    .put("base_url", "http://127.0.0.1:1")
                    .put("retries", 0)
                    .put("breaker_failures", 1000))
            .encode();
    client = offload.start(Map.of("OFFLOAD_UPSTREAMS", upstreams)).client();
  }

  @BeforeEach
  void forgetCalls() {
    fake.reset();
  }

  private static HttpResponse<Buffer> get(String uri) {
    return client.get(uri).send().await();
  }

  private static String assertError(HttpResponse<Buffer> response, int status, String code) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    assertTrue(response.getHeader("content-type").startsWith("application/json"));
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertEquals(code, error.getString("code"), error.encode());
    return error.getString("message");
  }

  private static long millisSince(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }

  @Nested
  class Proxy {

    @Test
    void relays_the_upstreams_status_content_type_and_body() {
      HttpResponse<Buffer> response = get("/fetch-data/fake/json/3");
      assertEquals(200, response.statusCode(), response.bodyAsString());
      assertEquals("application/json", response.getHeader("content-type"));
      assertEquals(new JsonObject().put("n", 3), response.bodyAsJsonObject());
    }

    @Test
    void relays_text_as_text() {
      HttpResponse<Buffer> response = get("/fetch-data/fake/text");
      assertEquals("text/plain", response.getHeader("content-type"));
      assertEquals("plain text", response.bodyAsString());
    }

    @Test
    void passes_the_encoded_path_and_the_query_on() {
      JsonObject echo = get("/fetch-data/fake/echo/a%20b/c?x=1&y=2").bodyAsJsonObject();
      assertEquals("/echo/a%20b/c", echo.getString("path"));
      assertEquals("x=1&y=2", echo.getString("query"));
    }

    @Test
    void relays_a_4xx_as_it_is_without_retrying() {
      HttpResponse<Buffer> response = get("/fetch-data/fake/status/404");
      assertEquals(404, response.statusCode());
      assertEquals("status", response.bodyAsString());
      assertEquals(1, fake.calls("/status/404"));
    }

    @Test
    void retries_a_flaky_upstream_until_it_answers() {
      HttpResponse<Buffer> response = get("/fetch-data/fake/flaky/2/proxy");
      assertEquals(200, response.statusCode(), response.bodyAsString());
      assertEquals(new JsonObject().put("recovered", true), response.bodyAsJsonObject());
      assertEquals(3, fake.calls("/flaky/2/proxy"));
    }

    @Test
    void a_5xx_after_the_retries_is_a_502_naming_the_upstream() {
      String message = assertError(get("/fetch-data/fake/status/503"), 502, "upstream_failed");
      assertEquals("upstream fake: answered 503 (3 attempts)", message);
      assertEquals(3, fake.calls("/status/503"));
    }

    @Test
    void a_connection_reset_is_a_502() {
      String message = assertError(get("/fetch-data/fake/reset"), 502, "upstream_failed");
      assertEquals("upstream fake: connection closed by the upstream (3 attempts)", message);
    }

    @Test
    void a_refused_connection_is_a_502() {
      String message = assertError(get("/fetch-data/nowhere/anything"), 502, "upstream_failed");
      assertEquals("upstream nowhere: connection refused (1 attempt)", message);
    }

    @Test
    @Timing
    void no_answer_within_the_timeout_is_a_504() {
      long started = System.nanoTime();
      String message = assertError(get("/fetch-data/quick/delay/3000"), 504, "upstream_timeout");
      assertEquals("upstream quick: no answer within 300ms (1 attempt)", message);
      assertTrue(millisSince(started) < 1_500, millisSince(started) + " ms");
    }

    @Test
    void a_slow_body_within_the_timeout_is_relayed_whole() {
      HttpResponse<Buffer> response = get("/fetch-data/fake/slow-body/5/100");
      assertEquals(200, response.statusCode(), response.bodyAsString());
      assertEquals("abc\n".repeat(5), response.bodyAsString());
    }

    @Test
    void a_body_over_10_MiB_is_a_502() {
      String message =
          assertError(
              get("/fetch-data/fake/big/" + (Upstream.MAX_BODY_BYTES + 1)), 502, "upstream_failed");
      assertEquals("upstream fake: response body over 10 MiB", message);
    }

    @Test
    void a_redirect_is_relayed_never_followed() {
      HttpResponse<Buffer> response = get("/fetch-data/fake/redirect");
      assertEquals(302, response.statusCode());
      assertNull(response.getHeader("location"));
      assertEquals(1, fake.totalCalls());
    }
  }

  @Nested
  class OnlyConfiguredUpstreams {

    @ParameterizedTest
    @ValueSource(
        strings = {
          "/fetch-data/elsewhere/x",
          "/fetch-data/elsewhere?paths=x",
          "/fetch-data/todos/todos/1"
        })
    void an_unknown_upstream_is_a_404(String uri) {
      String message = assertError(get(uri), 404, "upstream_not_found");
      assertTrue(message.startsWith("no upstream named '"), message);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
        strings = {
          "/fetch-data/fake/..%2Fsecret",
          "/fetch-data/fake/%2e%2e%2fsecret",
          "/fetch-data/fake/echo/a%2F..%2F..%2Fsecret",
          "/fetch-data/fake/x%0d%0aHost:%20elsewhere.invalid",
          "/fetch-data/fake/%5c..%5csecret",
          "/fetch-data/fake/a%00b",
          "/fetch-data/fake/echo?y=%0d%0a",
          "/fetch-data/fake/http:%2F%2Felsewhere.invalid%2F",
          "/fetch-data/fake?paths=../secret",
          "/fetch-data/fake?paths=json/1,http://elsewhere.invalid/x",
          "/fetch-data/fake?paths=//elsewhere.invalid/x",
          "/fetch-data/fake?paths=%2F%2Felsewhere.invalid",
          "/fetch-data/fake?paths=a%0d%0ab",
          "/fetch-data/fake?paths=json/1,,json/2"
        })
    void a_path_that_could_leave_the_upstream_is_a_400_and_calls_nothing(String uri) {
      String message = assertError(get(uri), 400, "invalid_path");
      assertTrue(message.startsWith("path ") || message.startsWith("paths["), message);
      assertEquals(0, fake.totalCalls());
    }

    @Test
    void double_slashes_are_merged_by_the_router_so_the_call_stays_on_the_upstream() {
      JsonObject echo = get("/fetch-data/fake/echo//elsewhere.invalid/x").bodyAsJsonObject();
      assertEquals("/echo/elsewhere.invalid/x", echo.getString("path"));
    }
  }

  @Nested
  class Breaker {

    @Test
    void opens_after_the_failures_fails_fast_then_closes_once_the_upstream_answers()
        throws InterruptedException {
      assertError(get("/fetch-data/fragile/status/500"), 502, "upstream_failed");
      assertError(get("/fetch-data/fragile/status/500"), 502, "upstream_failed");

      String message = assertError(get("/fetch-data/fragile/json/1"), 502, "upstream_failed");
      assertEquals("upstream fragile: circuit open after 2 failures", message);
      assertEquals(0, fake.calls("/json/1"));

      // After breaker_reset (300 ms) one call tests the upstream; its success closes the circuit.
      HttpResponse<Buffer> recovered =
          Eventually.value(
              "the circuit half-opens",
              Duration.ofSeconds(5),
              () -> get("/fetch-data/fragile/json/1"),
              response -> response.statusCode() == 200);
      assertEquals(new JsonObject().put("n", 1), recovered.bodyAsJsonObject());
      assertEquals(1, fake.calls("/json/1"));
      assertEquals(200, get("/fetch-data/fragile/json/2").statusCode());
    }
  }

  @Nested
  class FanOut {

    @Test
    @Timing
    void fetches_the_paths_concurrently_and_answers_in_the_order_asked() {
      // Each later path answers sooner: completion order is the reverse of the order asked.
      List<Integer> delays = List.of(500, 480, 460, 440, 420);
      String paths = String.join(",", delays.stream().map(ms -> "delay/" + ms).toList());
      long started = System.nanoTime();
      HttpResponse<Buffer> response = get("/fetch-data/fake?paths=" + paths);
      long elapsed = millisSince(started);

      assertEquals(200, response.statusCode(), response.bodyAsString());
      assertTrue(elapsed < 1_500, "5 paths of about 500 ms took " + elapsed + " ms");
      JsonObject body = response.bodyAsJsonObject();
      assertEquals("fake", body.getString("upstream"));
      JsonArray results = body.getJsonArray("results");
      assertEquals(delays.size(), results.size());
      for (int i = 0; i < delays.size(); i++) {
        JsonObject result = results.getJsonObject(i);
        assertEquals("delay/" + delays.get(i), result.getString("path"));
        assertEquals(200, result.getInteger("status"));
        assertEquals(delays.get(i), result.getJsonObject("body").getInteger("delayed_ms"));
        assertTrue(
            result.containsKey("error") && result.getValue("error") == null, result.encode());
      }
    }

    @Test
    void answers_200_with_each_paths_own_status_body_or_error() {
      HttpResponse<Buffer> response =
          get("/fetch-data/fake?paths=json/1,status/404,status/503,text");
      assertEquals(200, response.statusCode(), response.bodyAsString());
      JsonArray results = response.bodyAsJsonObject().getJsonArray("results");

      assertEquals(
          new JsonObject()
              .put("path", "json/1")
              .put("status", 200)
              .put("body", new JsonObject().put("n", 1))
              .putNull("error"),
          results.getJsonObject(0));
      assertEquals(
          new JsonObject()
              .put("path", "status/404")
              .put("status", 404)
              .put("body", "status")
              .putNull("error"),
          results.getJsonObject(1));
      assertEquals(
          new JsonObject()
              .put("path", "status/503")
              .put("status", 502)
              .putNull("body")
              .put("error", "upstream fake: answered 503 (3 attempts)"),
          results.getJsonObject(2));
      assertEquals("plain text", results.getJsonObject(3).getString("body"));
    }

    @Test
    void a_timeout_in_one_path_is_a_504_in_its_result_only() {
      JsonArray results =
          get("/fetch-data/quick?paths=delay/3000,json/2")
              .bodyAsJsonObject()
              .getJsonArray("results");
      assertEquals(504, results.getJsonObject(0).getInteger("status"));
      assertEquals(
          "upstream quick: no answer within 300ms (1 attempt)",
          results.getJsonObject(0).getString("error"));
      assertEquals(200, results.getJsonObject(1).getInteger("status"));
    }

    @Test
    void takes_up_to_50_paths() {
      String paths = String.join(",", Collections.nCopies(FetchRoutes.MAX_PATHS, "json/1"));
      HttpResponse<Buffer> response = get("/fetch-data/fake?paths=" + paths);
      assertEquals(200, response.statusCode(), response.bodyAsString());
      assertEquals(
          FetchRoutes.MAX_PATHS, response.bodyAsJsonObject().getJsonArray("results").size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/fetch-data/fake", "/fetch-data/fake?path=json/1"})
    void no_paths_or_more_than_50_is_a_400(String uri) {
      assertError(get(uri), 400, "invalid_paths");
      String tooMany = String.join(",", Collections.nCopies(FetchRoutes.MAX_PATHS + 1, "json/1"));
      assertError(get("/fetch-data/fake?paths=" + tooMany), 400, "invalid_paths");
      assertEquals(0, fake.totalCalls());
    }
  }
}

package dev.offload.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.config.ConfigLoader;
import dev.offload.config.UpstreamConfig;
import dev.offload.testing.Eventually;
import dev.offload.testing.FakeUpstream;
import dev.offload.testing.Timing;
import dev.offload.upstream.UpstreamFailure.Kind;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link Upstream} against a {@link FakeUpstream} on port 0, called from one event loop as an HTTP
 * verticle would. Each test makes its upstream from a config read by {@link ConfigLoader}, like a
 * node does.
 */
@ExtendWith(VertxExtension.class)
class UpstreamTest {

  private static Vertx vertx;
  private static FakeUpstream fake;
  private static Context eventLoop;
  private Upstream upstream;

  @BeforeAll
  static void startFake(Vertx classVertx) {
    vertx = classVertx;
    fake = new FakeUpstream();
    vertx.deployVerticle(fake).await();
    eventLoop = vertx.getOrCreateContext();
  }

  @BeforeEach
  void forgetCalls() {
    fake.reset();
  }

  @AfterEach
  void closeUpstream() {
    if (upstream != null) {
      upstream.close();
    }
  }

  /**
   * Makes {@link #upstream} from test settings, e.g. {@code "retries": 0}, over a base URL on the
   * fake.
   */
  private Upstream upstream(String settings) {
    return upstreamAt(fake.baseUrl(), settings);
  }

  private Upstream upstreamAt(String baseUrl, String settings) {
    String json =
        "{\"fake\": {\"base_url\": \""
            + baseUrl
            + "\""
            + (settings.isEmpty() ? "" : ", " + settings)
            + "}}";
    UpstreamConfig config =
        ConfigLoader.load(Optional.empty(), Map.of("OFFLOAD_UPSTREAMS", json))
            .upstreams()
            .get("fake");
    upstream = onEventLoop(() -> Future.succeededFuture(Upstream.create(vertx, config))).await();
    return upstream;
  }

  private static <T> Future<T> onEventLoop(Supplier<Future<T>> call) {
    Promise<T> promise = Promise.promise();
    eventLoop.runOnContext(ignored -> call.get().onComplete(promise));
    return promise.future();
  }

  private Future<UpstreamResponse> call(String path) {
    return onEventLoop(() -> upstream.get(UpstreamPath.parse(path)));
  }

  private UpstreamResponse get(String path) {
    return call(path).await();
  }

  private UpstreamFailure failure(String path) {
    return failure(call(path));
  }

  private static UpstreamFailure failure(Future<UpstreamResponse> call) {
    Throwable outcome =
        call.map(response -> (Throwable) new AssertionError("answered " + response.status()))
            .otherwise(failure -> failure)
            .await();
    return assertInstanceOf(UpstreamFailure.class, outcome);
  }

  private static long millisSince(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }

  @Nested
  class Answers {

    @Test
    void relays_the_status_content_type_and_body() {
      upstream("");
      UpstreamResponse response = get("json/7");
      assertEquals(200, response.status());
      assertEquals("application/json", response.contentType());
      assertEquals(new JsonObject().put("n", 7), response.body().toJsonObject());
    }

    @Test
    void calls_under_the_base_urls_path_with_the_path_encoded_and_the_query_as_given() {
      upstreamAt(fake.baseUrl() + "/echo/", "");
      JsonObject echo = get("a b/caf%C3%A9?x=1&y=two").body().toJsonObject();
      assertEquals("/echo/a%20b/caf%C3%A9", echo.getString("path"));
      assertEquals("x=1&y=two", echo.getString("query"));
    }

    @Test
    void a_4xx_is_the_upstreams_answer_neither_retried_nor_counted_against_it() {
      upstream("\"retries\": 2, \"breaker_failures\": 1");
      assertEquals(404, get("status/404").status());
      assertEquals(404, get("status/404").status());
      assertEquals(2, fake.calls("/status/404"));
      assertEquals(CircuitBreakerState.CLOSED, upstream.circuitState());
    }

    @Test
    void a_redirect_is_relayed_not_followed() {
      upstream("");
      UpstreamResponse response = get("redirect");
      assertEquals(302, response.status());
      assertEquals(1, fake.totalCalls());
    }

    @Test
    void a_slow_body_that_ends_within_the_timeout_arrives_whole() {
      upstream("\"timeout\": \"2s\"");
      UpstreamResponse response = get("slow-body/5/100");
      assertEquals(200, response.status());
      assertEquals("abc\n".repeat(5), response.body().toString());
    }

    @Test
    void a_body_over_10_MiB_fails_the_call_without_a_retry() {
      upstream("\"retries\": 2");
      assertEquals(Upstream.MAX_BODY_BYTES, get("big/" + Upstream.MAX_BODY_BYTES).body().length());
      UpstreamFailure failure = failure("big/" + (Upstream.MAX_BODY_BYTES + 1));
      assertEquals(Kind.FAILED, failure.kind());
      assertEquals("upstream fake: response body over 10 MiB", failure.getMessage());
      assertEquals(1, fake.calls("/big/" + (Upstream.MAX_BODY_BYTES + 1)));
    }
  }

  @Nested
  class Retries {

    @Test
    void a_5xx_is_retried_until_the_upstream_recovers() {
      upstream("\"retries\": 2");
      UpstreamResponse response = get("flaky/2/a");
      assertEquals(200, response.status());
      assertEquals(3, fake.calls("/flaky/2/a"));
    }

    @Test
    void after_the_last_retry_the_call_fails_with_the_last_status() {
      upstream("\"retries\": 2");
      UpstreamFailure failure = failure("status/503");
      assertEquals(Kind.FAILED, failure.kind());
      assertEquals("upstream fake: answered 503 (3 attempts)", failure.getMessage());
      assertEquals(3, fake.calls("/status/503"));
    }

    @Test
    void retries_0_means_one_attempt() {
      upstream("\"retries\": 0");
      assertEquals("upstream fake: answered 500 (1 attempt)", failure("status/500").getMessage());
      assertEquals(1, fake.calls("/status/500"));
    }

    @Test
    void a_connection_closed_without_an_answer_is_retried_then_fails() {
      upstream("\"retries\": 1");
      UpstreamFailure failure = failure("reset");
      assertEquals(Kind.FAILED, failure.kind());
      assertEquals(
          "upstream fake: connection closed by the upstream (2 attempts)", failure.getMessage());
      assertEquals(2, fake.calls("/reset"));
    }

    @Test
    void a_refused_connection_fails_without_showing_the_address() {
      upstreamAt("http://127.0.0.1:1", "\"retries\": 1");
      UpstreamFailure failure = failure("x");
      assertEquals(Kind.FAILED, failure.kind());
      assertEquals("upstream fake: connection refused (2 attempts)", failure.getMessage());
    }

    @Test
    @Timing
    void the_backoff_between_attempts_stays_under_its_jittered_bound() {
      // Full jitter: before retry n it waits between 0 and 100 ms * 2^n; three attempts here wait
      // under 600 ms.
      upstream("\"retries\": 2");
      long started = System.nanoTime();
      failure("status/502");
      assertTrue(millisSince(started) < 1_500, millisSince(started) + " ms");
    }
  }

  @Nested
  class Timeouts {

    @Test
    @Timing
    void an_attempt_without_an_answer_within_the_timeout_fails_as_a_timeout() {
      upstream("\"timeout\": \"200ms\", \"retries\": 0");
      long started = System.nanoTime();
      UpstreamFailure failure = failure("delay/3000");
      assertEquals(Kind.TIMEOUT, failure.kind());
      assertEquals("upstream fake: no answer within 200ms (1 attempt)", failure.getMessage());
      assertTrue(millisSince(started) < 1_000, millisSince(started) + " ms");
    }

    @Test
    void timed_out_attempts_are_retried() {
      upstream("\"timeout\": \"200ms\", \"retries\": 1");
      assertEquals(
          "upstream fake: no answer within 200ms (2 attempts)", failure("delay/3000").getMessage());
      assertEquals(2, fake.calls("/delay/3000"));
    }

    @Test
    void the_timeout_bounds_the_whole_body_not_only_silences() {
      // A chunk every 100 ms never leaves the connection idle for 400 ms, yet the body takes 1 s.
      upstream("\"timeout\": \"400ms\", \"retries\": 0");
      assertEquals(Kind.TIMEOUT, failure("slow-body/10/100").kind());
    }
  }

  @Nested
  class Breaker {

    private static final String FRAGILE =
        "\"retries\": 0, \"breaker_failures\": 2, \"breaker_reset\": \"300ms\"";

    private void open() {
      failure("status/500");
      failure("status/500");
      assertEquals(CircuitBreakerState.OPEN, upstream.circuitState());
    }

    @Test
    @Timing
    void opens_after_breaker_failures_and_then_fails_fast_without_calling()
        throws InterruptedException {
      upstream(FRAGILE.replace("300ms", "5s"));
      open();
      long started = System.nanoTime();
      UpstreamFailure failure = failure("json/1");
      assertEquals(Kind.FAILED, failure.kind());
      assertEquals("upstream fake: circuit open after 2 failures", failure.getMessage());
      assertTrue(millisSince(started) < 100, millisSince(started) + " ms");
      assertEquals(0, fake.calls("/json/1"));
    }

    @Test
    void half_opens_after_the_reset_time_and_closes_on_a_success() throws InterruptedException {
      upstream(FRAGILE);
      open();
      Eventually.isTrue(
          "half-open",
          Duration.ofSeconds(3),
          () -> upstream.circuitState() == CircuitBreakerState.HALF_OPEN);
      assertEquals(200, get("json/1").status());
      assertEquals(CircuitBreakerState.CLOSED, upstream.circuitState());
      assertEquals(200, get("json/2").status());
    }

    @Test
    void a_failed_test_call_in_half_open_opens_it_again() throws InterruptedException {
      upstream(FRAGILE);
      open();
      Eventually.isTrue(
          "half-open",
          Duration.ofSeconds(3),
          () -> upstream.circuitState() == CircuitBreakerState.HALF_OPEN);
      assertEquals("upstream fake: answered 500 (1 attempt)", failure("status/500").getMessage());
      assertEquals(CircuitBreakerState.OPEN, upstream.circuitState());
      assertEquals("upstream fake: circuit open after 2 failures", failure("json/1").getMessage());
    }

    @Test
    void in_half_open_a_single_call_tests_the_upstream() throws InterruptedException {
      upstream(FRAGILE);
      open();
      Eventually.isTrue(
          "half-open",
          Duration.ofSeconds(3),
          () -> upstream.circuitState() == CircuitBreakerState.HALF_OPEN);
      Future<UpstreamResponse> test = call("delay/200");
      UpstreamFailure other = failure(call("json/1"));
      assertEquals("upstream fake: circuit open after 2 failures", other.getMessage());
      assertEquals(200, test.await().status());
      assertEquals(0, fake.calls("/json/1"));
    }

    @Test
    void a_success_clears_the_failure_count() {
      upstream(FRAGILE);
      failure("status/500");
      assertEquals(200, get("json/1").status());
      failure("status/500");
      assertEquals(CircuitBreakerState.CLOSED, upstream.circuitState());
    }

    @Test
    void retries_of_one_call_count_as_one_failure() {
      upstream("\"retries\": 2, \"breaker_failures\": 2");
      failure("status/500");
      assertEquals(CircuitBreakerState.CLOSED, upstream.circuitState());
      assertEquals(3, fake.calls("/status/500"));
    }
  }

  @Nested
  class Concurrency {

    @Test
    void no_more_than_max_concurrency_requests_are_in_flight_the_others_wait() {
      upstream("\"max_concurrency\": 2, \"timeout\": \"5s\"");
      long started = System.nanoTime();
      List<Future<UpstreamResponse>> calls =
          IntStream.range(0, 6).mapToObj(i -> call("delay/200")).toList();
      Future.all(calls).await();
      calls.forEach(call -> assertEquals(200, call.result().status()));
      assertEquals(2, fake.maxInFlight());
      assertTrue(millisSince(started) >= 600, "3 waves of 2: " + millisSince(started) + " ms");
    }

    @Test
    void past_the_wait_queue_a_call_fails_at_once_as_busy() {
      upstream(
          "\"max_concurrency\": 1, \"timeout\": \"1s\", \"retries\": 0, \"breaker_failures\": 1000");
      int queue = upstream.waitQueueSize();
      get("json/1"); // the connection is open: while it is being opened, the pool counts its first
      // request as waiting
      List<Future<UpstreamResponse>> calls =
          IntStream.range(0, 1 + queue + 3).mapToObj(i -> call("delay/300")).toList();
      Future.join(calls).otherwise(ignored -> null).await();
      List<UpstreamFailure> busy =
          calls.stream()
              .filter(Future::failed)
              .map(Future::cause)
              .map(UpstreamFailure.class::cast)
              .filter(failure -> failure.kind() == Kind.BUSY)
              .toList();
      assertEquals(3, busy.size(), "1 in flight, " + queue + " waiting, 3 refused");
      assertEquals(
          "upstream fake: max_concurrency (1) reached and 50 requests waiting; try again shortly",
          busy.get(0).getMessage());
    }
  }
}

package dev.offload.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.OffloadNodeExtension;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.DynamicTest;

/**
 * A real node to fuzz, as a test class's {@link OffloadNodeExtension} starts it: its event loops
 * may be held for at most 50 ms ({@code node.max_event_loop_block}), admin routes are on (with
 * {@link #TOKEN}), and its one upstream, {@code echo}, answers every GET with 200. Meanwhile {@code
 * /health} is asked every 250 ms, and must answer 200 every time; and the live heap, measured once
 * the node is warm, must come back to within {@link #HEAP_MARGIN_BYTES} of it after the fuzzing.
 */
final class FuzzedNode implements AutoCloseable {

  static final String TOKEN = "fuzz-token";
  static final String MAX_BLOCK = "50ms";

  /**
   * How far the live heap may end above where it began. A leak of what fuzzing sends would show as
   * tens of MiB: the 10 MB bodies alone are 8 in a run, each 20 MB as Java text. What may rightly
   * grow is small and bounded: caches of prepared statements, meters per status, classes made at
   * run time.
   */
  static final long HEAP_MARGIN_BYTES = 32L * 1024 * 1024;

  private static final long ANSWER_TIMEOUT_MS = 30_000;
  private static final long HEALTH_EVERY_MS = 250;

  /** How soon {@code /health} must answer after each family of cases. */
  private static final long HEALTH_WITHIN_MS = 2_000;

  private final OffloadNodeExtension offload;
  private final int port;
  private final HttpClientAgent client;
  private final HttpServer upstream;
  private final List<String> healthFailures = new ArrayList<>();
  private final long healthTimer;
  private long heapBaseline;
  private FuzzCases cases;

  private FuzzedNode(OffloadNodeExtension offload, int port, HttpServer upstream) {
    this.offload = offload;
    this.port = port;
    this.upstream = upstream;
    this.client =
        offload
            .vertx()
            .createHttpClient(
                new HttpClientOptions().setMaxInitialLineLength(16_384),
                new PoolOptions().setHttp1MaxSize(8));
    this.healthTimer = offload.vertx().setPeriodic(HEALTH_EVERY_MS, id -> askHealth());
  }

  /** Starts the node, with the fuzz settings and {@code env}, and its upstream. */
  static FuzzedNode start(OffloadNodeExtension offload, Map<String, String> env)
      throws InterruptedException {
    Vertx vertx = offload.vertx();
    HttpServer upstream =
        vertx
            .createHttpServer()
            .requestHandler(
                request ->
                    request
                        .response()
                        .putHeader("content-type", "application/json")
                        .end("{\"echo\":true}"))
            .listen(0, "127.0.0.1")
            .await();
    Map<String, String> all = new HashMap<>();
    all.put("OFFLOAD_NODE_MAX_EVENT_LOOP_BLOCK", MAX_BLOCK);
    all.put("OFFLOAD_API_TOKEN", TOKEN);
    all.put("OFFLOAD_WORKER_INSTANCES", "2");
    all.put(
        "OFFLOAD_UPSTREAMS",
        new JsonObject()
            .put(
                "echo",
                new JsonObject()
                    .put("base_url", "http://127.0.0.1:" + upstream.actualPort())
                    .put("retries", 0))
            .encode());
    all.putAll(env);
    return new FuzzedNode(offload, offload.start(all).httpPort(), upstream);
  }

  int port() {
    return port;
  }

  /**
   * Call once the node is warm (every route used, its classes loaded): the live heap now is the
   * baseline, and from now on nothing may be logged.
   */
  FuzzCases warmedUp() {
    heapBaseline = liveHeap();
    cases = new FuzzCases(this);
    return cases;
  }

  // ---- requests

  /** Sends {@code request} and waits for the whole answer. */
  Answer send(FuzzRequest request) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.valueOf(request.method()))
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI(request.uri())
            .setTimeout(ANSWER_TIMEOUT_MS);
    Future<Answer> answer =
        client
            .request(options)
            .compose(
                sent -> {
                  request.headers().forEach(sent::putHeader);
                  return sent.send(Buffer.buffer(request.body()))
                      .compose(
                          response ->
                              response
                                  .body()
                                  .map(
                                      body ->
                                          new Answer(
                                              response.statusCode(),
                                              response.getHeader("content-type"),
                                              body)));
                });
    try {
      return answer.await(ANSWER_TIMEOUT_MS + 5_000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within " + ANSWER_TIMEOUT_MS + " ms", e);
    }
  }

  /** A status, the content type and the body. */
  record Answer(int status, String contentType, Buffer body) {

    @Override
    public String toString() {
      String text = body.toString();
      return status + " " + (text.length() > 2_000 ? text.substring(0, 2_000) + "..." : text);
    }
  }

  /** A property some families add to those of every answer. */
  interface Expectation {

    /**
     * @return a finding already reported that the answer shows, instead of failing on it
     * @throws AssertionError when the answer does not have the property
     */
    Optional<String> check(FuzzRequest request, Answer answer);
  }

  /** A case that sends {@code request} with an HTTP client, its answer held to {@link Answers}. */
  Probe probe(FuzzRequest request) {
    return probe(request, (sent, answer) -> Optional.empty());
  }

  Probe probe(FuzzRequest request, Expectation extra) {
    return new Probe() {
      @Override
      public Optional<String> exchange() {
        Answer answer = send(request);
        try {
          Answers.check(
              answer.status(),
              answer.contentType(),
              request.method().equals("HEAD") ? null : answer.body().toString(),
              request.uri().startsWith("/fetch-data/"));
          return extra.check(request, answer);
        } catch (AssertionError e) {
          throw new AssertionError("answered " + answer + "\n" + e.getMessage(), e);
        }
      }

      @Override
      public String toString() {
        return request.toString();
      }
    };
  }

  // ---- health and memory

  /** Asks {@code /health} without waiting; any answer but a 200 is kept for the next check. */
  private void askHealth() {
    client
        .request(
            new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost("127.0.0.1")
                .setPort(port)
                .setURI("/health")
                .setTimeout(ANSWER_TIMEOUT_MS))
        .compose(request -> request.send().compose(response -> response.body().map(response)))
        .onComplete(
            response -> {
              if (response.statusCode() != 200) {
                recordHealthFailure("answered " + response.statusCode());
              }
            },
            failure -> recordHealthFailure(String.valueOf(failure)));
  }

  private void recordHealthFailure(String what) {
    synchronized (healthFailures) {
      healthFailures.add(what);
    }
  }

  /**
   * {@code /health} answered 200 every time it was asked so far, and answers now within {@link
   * #HEALTH_WITHIN_MS}.
   */
  void assertHealthy() {
    synchronized (healthFailures) {
      assertEquals(List.of(), healthFailures, "/health, asked every " + HEALTH_EVERY_MS + " ms");
    }
    long started = System.nanoTime();
    Answer health = send(FuzzRequest.of("GET", "/health"));
    long ms = (System.nanoTime() - started) / 1_000_000;
    assertEquals(200, health.status(), health.toString());
    assertTrue(ms <= HEALTH_WITHIN_MS, "/health answered in " + ms + " ms");
  }

  /** The check that ends a run: the live heap is back near its baseline. */
  DynamicTest heapBackToBaseline() {
    return DynamicTest.dynamicTest(
        "after the fuzzing, the live heap is back within "
            + HEAP_MARGIN_BYTES / (1024 * 1024)
            + " MiB of its baseline",
        () -> {
          long after = liveHeap();
          long mib = 1024 * 1024;
          System.out.printf(
              "fuzz: live heap %d MiB before, %d MiB after%n", heapBaseline / mib, after / mib);
          assertTrue(
              after <= heapBaseline + HEAP_MARGIN_BYTES,
              "live heap "
                  + after / mib
                  + " MiB after the fuzzing, "
                  + heapBaseline / mib
                  + " MiB before");
        });
  }

  /**
   * The heap in use after full collections: the least of three, since a collection may run while a
   * timer or the node's own work allocates.
   */
  private static long liveHeap() {
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return least;
  }

  @Override
  public void close() {
    if (cases != null) {
      cases.close();
    }
    offload.vertx().cancelTimer(healthTimer);
    client.close().await();
    upstream.close().await();
  }
}

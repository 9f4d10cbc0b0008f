package dev.offload.fault;

import dev.offload.testing.Eventually;
import dev.offload.testing.NodeProcess;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code test.record} submissions at a steady rate, over the nodes' APIs in turn, as a careful
 * client makes them: every task carries a unique key of its own, and a submission answered 503 is
 * sent again, with the same keys, after the {@code Retry-After} it gave. Every 30th submission is a
 * batch of 10 tasks. Any answer but 202, 200 for a key sent before, and 503 {@code
 * database_unavailable} with {@code Retry-After} is an anomaly, and so is no answer.
 */
final class SubmissionLoad implements AutoCloseable {

  /** Connections to each node at most: more requests at once wait for one, as in a real client. */
  private static final int CONNECTIONS = 32;

  private static final int BATCH_EVERY = 30;
  private static final int BATCH_SIZE = 10;
  private static final int MAX_SENDS = 60;

  private final Vertx vertx;
  private final List<NodeProcess> nodes;
  private final JsonObject args;

  /** Kept in a field: Vert.x 5 may collect a client held only by a local variable. */
  private final WebClient client;

  private final String prefix = "k" + UUID.randomUUID().toString().substring(0, 8) + "-";
  private final Map<String, UUID> acknowledged = new ConcurrentHashMap<>();
  private final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
  private final Queue<String> anomalies = new ConcurrentLinkedQueue<>();
  private final AtomicInteger unavailable = new AtomicInteger();
  private final AtomicInteger storedDespiteUnavailable = new AtomicInteger();
  private final AtomicInteger unanswered = new AtomicInteger();
  private Thread sender;

  /** Written by the sending thread only; read after it ended. */
  private int submissions;

  /** One submission: a task, or a batch of them, and how often it was sent. */
  private static final class Submission {
    final List<String> keys;
    final NodeProcess node;
    int sends;

    Submission(List<String> keys, NodeProcess node) {
      this.keys = keys;
      this.node = node;
    }

    boolean isBatch() {
      return keys.size() > 1;
    }
  }

  /**
   * @param args of every task
   */
  SubmissionLoad(Vertx vertx, List<NodeProcess> nodes, JsonObject args) {
    this.vertx = vertx;
    this.nodes = List.copyOf(nodes);
    this.args = args;
    this.client =
        WebClient.create(
            vertx,
            new WebClientOptions().setDefaultHost("127.0.0.1"),
            new PoolOptions().setHttp1MaxSize(CONNECTIONS));
  }

  /**
   * Starts sending {@code perSecond} submissions a second for {@code duration}, on a thread of its
   * own, and returns.
   */
  void start(int perSecond, Duration duration) {
    sender =
        new Thread(
            () -> {
              long start = System.nanoTime();
              long end = start + duration.toNanos();
              try {
                for (long now = start; now < end; now = System.nanoTime()) {
                  long due = (now - start) * perSecond / 1_000_000_000L;
                  while (submissions < due) {
                    submitNext();
                  }
                  Thread.sleep(5);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "submission-load");
    sender.start();
  }

  /**
   * Waits until the sending is over and every submission has its final answer, retries included.
   */
  void awaitAnswers() throws InterruptedException {
    sender.join();
    Eventually.isTrue(
        "every submission answered", Duration.ofSeconds(90), () -> unanswered.get() == 0);
  }

  private void submitNext() {
    int size = submissions % BATCH_EVERY == BATCH_EVERY - 1 ? BATCH_SIZE : 1;
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      keys.add(prefix + submissions + "-" + i);
    }
    Submission submission = new Submission(keys, nodes.get(submissions % nodes.size()));
    if (submission.isBatch()) {
      batches.add(keys);
    }
    submissions++;
    unanswered.incrementAndGet();
    send(submission);
  }

  private void send(Submission submission) {
    submission.sends++;
    HttpRequest<Buffer> request;
    JsonObject body;
    if (submission.isBatch()) {
      JsonArray tasks = new JsonArray();
      submission.keys.forEach(key -> tasks.add(task().put("unique_key", key)));
      body = new JsonObject().put("tasks", tasks);
      request = client.post(submission.node.port(), "127.0.0.1", "/tasks/batch");
    } else {
      body = task();
      request =
          client
              .post(submission.node.port(), "127.0.0.1", "/tasks")
              .putHeader("idempotency-key", submission.keys.get(0));
    }
    request
        .timeout(30_000)
        .sendJsonObject(body)
        .onComplete(
            response -> handle(submission, response),
            failure -> answered(submission, "no answer: " + failure));
  }

  private void handle(Submission submission, HttpResponse<Buffer> response) {
    int status = response.statusCode();
    if (status == 503) {
      unavailable.incrementAndGet();
      String code = errorCode(response.bodyAsString());
      String retryAfter = response.getHeader("retry-after");
      if (!"database_unavailable".equals(code) || retryAfter == null) {
        anomalies.add(
            submission.keys.get(0)
                + ": 503 "
                + response.bodyAsString()
                + ", Retry-After "
                + retryAfter);
      }
      if (submission.sends >= MAX_SENDS) {
        answered(submission, "still 503 after " + MAX_SENDS + " sends");
        return;
      }
      long seconds =
          retryAfter == null || !retryAfter.matches("\\d+") ? 1 : Long.parseLong(retryAfter);
      vertx.setTimer(seconds * 1_000, id -> send(submission));
      return;
    }
    boolean created = status == 202;
    boolean known = status == 200 && !submission.isBatch() && submission.sends > 1;
    if (!created && !known) {
      answered(submission, status + " " + response.bodyAsString());
      return;
    }
    if (known) {
      // Answered 503 before, yet stored: the connection dropped after the commit.
      storedDespiteUnavailable.incrementAndGet();
    }
    JsonObject answer = response.bodyAsJsonObject();
    List<String> ids =
        submission.isBatch()
            ? answer.getJsonArray("ids").stream().map(String::valueOf).toList()
            : List.of(answer.getString("id"));
    for (int i = 0; i < ids.size(); i++) {
      acknowledged.put(submission.keys.get(i), UUID.fromString(ids.get(i)));
    }
    answered(submission, null);
  }

  private void answered(Submission submission, String anomaly) {
    if (anomaly != null) {
      anomalies.add(submission.keys.get(0) + ": " + anomaly);
    }
    unanswered.decrementAndGet();
  }

  private JsonObject task() {
    return new JsonObject().put("kind", "test.record").put("args", args.copy());
  }

  private static String errorCode(String body) {
    try {
      return new JsonObject(body).getJsonObject("error").getString("code");
    } catch (RuntimeException notAnError) {
      return null;
    }
  }

  /** Tells the checker what was acknowledged and which keys went in one batch. */
  SetChecker feed(SetChecker checker) {
    acknowledged.forEach(checker::acknowledged);
    batches.forEach(checker::batch);
    return checker;
  }

  int submissions() {
    return submissions;
  }

  /** Fails if any answer was an anomaly, naming the first 20. */
  void assertNoAnomalies() {
    if (!anomalies.isEmpty()) {
      throw new AssertionError(
          this + ": " + String.join("\n", anomalies.stream().limit(20).toList()));
    }
  }

  /** How many answers were 503. */
  int unavailable() {
    return unavailable.get();
  }

  /**
   * Single submissions answered 503 whose key a later send found stored: the commit happened, its
   * answer was lost with the connection. The unique key makes the retry safe.
   */
  int storedDespiteUnavailable() {
    return storedDespiteUnavailable.get();
  }

  @Override
  public String toString() {
    return submissions
        + " submissions ("
        + acknowledged.size()
        + " tasks acknowledged), "
        + unavailable
        + " answers 503, "
        + storedDespiteUnavailable
        + " of them for a task stored all the same, "
        + anomalies.size()
        + " anomalies";
  }

  @Override
  public void close() {
    if (sender != null) {
      sender.interrupt();
    }
    client.close();
  }
}

package dev.offload.workers;

import static dev.offload.workers.HttpWorker.code;
import static dev.offload.workers.HttpWorker.taskId;
import static dev.offload.workers.HttpWorker.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.OffloadNodeExtension;
import dev.offload.testing.Tasks;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The remote worker protocol against a real node: each call's effect on the task. */
class RemoteWorkersTest {

  @RegisterExtension
  static final OffloadNodeExtension offload = OffloadNodeExtension.withNode().workers(1);

  @Test
  void a_registered_worker_claims_a_submitted_task_and_completes_it() throws Exception {
    HttpWorker worker = HttpWorker.register(offload.client(), "py-host-1", 4, "resize");
    String id = offload.submit(Tasks.of("resize").arg("width", 64));

    JsonObject attempt = worker.claimOne();
    assertEquals(id, taskId(attempt));
    assertEquals(1, attempt.getInteger("attempt"));
    JsonObject claimed = attempt.getJsonObject("task");
    assertEquals("running", claimed.getString("state"));
    assertEquals(64, claimed.getJsonObject("args").getInteger("width"));
    assertEquals(
        Instant.parse(claimed.getString("attempted_at")).plus(Duration.ofMinutes(30)),
        Instant.parse(attempt.getString("timeout_at")));

    HttpResponse<Buffer> completed =
        worker.complete(token(attempt), new JsonObject().put("resized", true));
    assertEquals(204, completed.statusCode(), completed.bodyAsString());

    JsonObject task = offload.task(id);
    assertEquals("completed", task.getString("state"));
    assertEquals(new JsonObject().put("resized", true), task.getJsonObject("result"));
    assertEquals("py-host-1", task.getString("attempted_by"));
  }

  @Test
  void a_second_outcome_for_the_same_attempt_is_stale_and_changes_nothing() throws Exception {
    HttpWorker worker = HttpWorker.register(offload.client(), "w", 1, "resize");
    String id = offload.submit(Tasks.of("resize"));
    JsonObject attempt = worker.claimOne();
    assertEquals(204, worker.complete(token(attempt), 1).statusCode());

    HttpResponse<Buffer> late = worker.fail(token(attempt), "too late");
    assertEquals(409, late.statusCode(), late.bodyAsString());
    assertEquals("stale_lease", code(late));
    JsonObject task = offload.task(id);
    assertEquals("completed", task.getString("state"));
    assertTrue(task.getJsonArray("errors").isEmpty());
  }

  @Test
  void a_failed_attempt_is_retried_after_the_backoff_and_its_error_kept() throws Exception {
    HttpWorker worker = HttpWorker.register(offload.client(), "w", 1, "flaky");
    String id = offload.submit(Tasks.of("flaky").maxAttempts(3));

    JsonObject first = worker.claimOne();
    assertEquals(204, worker.fail(token(first), "connection refused").statusCode());
    JsonObject retrying = offload.task(id);
    assertEquals("retryable", retrying.getString("state"));
    assertTrue(
        Instant.parse(retrying.getString("scheduled_at"))
            .isAfter(Instant.parse(first.getJsonObject("task").getString("attempted_at"))));

    JsonObject second = worker.claimOne();
    assertEquals(2, second.getInteger("attempt"));
    assertEquals(204, worker.complete(token(second), null).statusCode());

    JsonObject done = offload.task(id);
    assertEquals("completed", done.getString("state"));
    assertEquals(2, done.getInteger("attempt"));
    JsonArray errors = done.getJsonArray("errors");
    assertEquals(1, errors.size());
    assertEquals("connection refused", errors.getJsonObject(0).getString("message"));
    assertEquals(1, errors.getJsonObject(0).getInteger("attempt"));
  }

  @Test
  void retry_in_replaces_the_backoff() {
    HttpWorker worker = HttpWorker.register(offload.client(), "w", 1, "flaky");
    String id = offload.submit(Tasks.of("flaky").maxAttempts(3));
    JsonObject attempt = worker.claimOne();

    HttpResponse<Buffer> failed =
        worker.post(
            "fail",
            new JsonObject()
                .put("lease_token", token(attempt))
                .put("error", "rate limited")
                .put("retry_in", "1h"));
    assertEquals(204, failed.statusCode(), failed.bodyAsString());

    JsonObject task = offload.task(id);
    assertEquals("retryable", task.getString("state"));
    Instant attempted = Instant.parse(attempt.getJsonObject("task").getString("attempted_at"));
    Instant retryAt = Instant.parse(task.getString("scheduled_at"));
    assertTrue(retryAt.isAfter(attempted.plus(Duration.ofMinutes(59))), retryAt.toString());
  }

  @Test
  void discard_ends_the_task_at_once() {
    HttpWorker worker = HttpWorker.register(offload.client(), "w", 1, "flaky");
    String id = offload.submit(Tasks.of("flaky").maxAttempts(5));
    JsonObject attempt = worker.claimOne();

    HttpResponse<Buffer> discarded =
        worker.post(
            "fail",
            new JsonObject()
                .put("lease_token", token(attempt))
                .put("error", "not an image")
                .put("discard", true));
    assertEquals(204, discarded.statusCode(), discarded.bodyAsString());

    JsonObject task = offload.task(id);
    assertEquals("discarded", task.getString("state"));
    assertEquals("not an image", task.getJsonArray("errors").getJsonObject(0).getString("message"));
  }

  @Test
  void progress_is_saved_and_shown_on_the_task() throws Exception {
    HttpWorker worker = HttpWorker.register(offload.client(), "w", 1, "slow");
    String id = offload.submit(Tasks.of("slow"));
    JsonObject attempt = worker.claimOne();

    assertEquals(204, worker.progress(token(attempt), 0.25).statusCode());
    offload.await(id, task -> Double.valueOf(0.25).equals(task.getDouble("progress")));
    assertEquals(204, worker.complete(token(attempt), null).statusCode());
    assertEquals(1.0, offload.task(id).getDouble("progress"));
  }

  @Test
  void a_running_task_cancelled_is_told_by_the_heartbeat_and_ends_cancelled() {
    HttpWorker worker = HttpWorker.register(offload.client(), "w", 1, "slow");
    String id = offload.submit(Tasks.of("slow"));
    JsonObject attempt = worker.claimOne();
    JsonObject before = worker.heartbeat(token(attempt)).getJsonObject(0);
    assertTrue(before.getBoolean("ok"));
    assertFalse(before.getBoolean("cancel_requested"));

    HttpResponse<Buffer> cancel = offload.client().post("/tasks/" + id + "/cancel").send().await();
    assertEquals(202, cancel.statusCode(), cancel.bodyAsString());
    JsonObject after = worker.heartbeat(token(attempt)).getJsonObject(0);
    assertTrue(after.getBoolean("ok"));
    assertTrue(after.getBoolean("cancel_requested"));

    assertEquals(204, worker.fail(token(attempt), "stopped on request").statusCode());
    assertEquals("cancelled", offload.task(id).getString("state"));
  }

  @Test
  void a_waiting_remote_task_cancelled_is_never_claimed() {
    HttpWorker worker = HttpWorker.register(offload.client(), "w", 1, "slow");
    String id = offload.submit(Tasks.of("slow"));
    HttpResponse<Buffer> cancel = offload.client().post("/tasks/" + id + "/cancel").send().await();
    assertEquals(200, cancel.statusCode(), cancel.bodyAsString());

    assertTrue(worker.claim(1, "0s").isEmpty());
    assertEquals("cancelled", offload.task(id).getString("state"));
  }

  @Test
  void a_released_task_is_available_again_its_attempt_not_counted() {
    HttpWorker worker = HttpWorker.register(offload.client(), "w", 1, "slow");
    String id = offload.submit(Tasks.of("slow"));
    JsonObject attempt = worker.claimOne();

    assertEquals(204, worker.release(token(attempt)).statusCode());
    JsonObject task = offload.task(id);
    assertEquals("available", task.getString("state"));
    assertEquals(0, task.getInteger("attempt"));
    assertEquals(409, worker.complete(token(attempt), null).statusCode());

    JsonObject again = worker.claimOne();
    assertEquals(1, again.getInteger("attempt"));
    assertEquals(204, worker.complete(token(again), null).statusCode());
  }

  @Test
  void the_task_timeout_ends_a_remote_attempt_on_the_server() throws Exception {
    HttpWorker worker = HttpWorker.register(offload.client(), "w", 1, "slow");
    String id = offload.submit(Tasks.of("slow").timeout("200ms").maxAttempts(2));
    JsonObject attempt = worker.claimOne();

    JsonObject timedOut = offload.await(id, Tasks.inState("retryable"));
    assertEquals(
        "attempt timed out after 200ms",
        timedOut.getJsonArray("errors").getJsonObject(0).getString("message"));
    assertFalse(worker.heartbeat(token(attempt)).getJsonObject(0).getBoolean("ok"));
    HttpResponse<Buffer> late = worker.complete(token(attempt), null);
    assertEquals(409, late.statusCode(), late.bodyAsString());
    assertEquals("retryable", offload.task(id).getString("state"));
  }

  @Test
  void a_worker_never_holds_more_attempts_than_its_concurrency() {
    HttpWorker worker = HttpWorker.register(offload.client(), "w", 2, "slow");
    offload.node().submitBatch(5, Tasks.of("slow"));

    JsonArray first = worker.claim(10, "10s");
    assertEquals(2, first.size());
    assertTrue(worker.claim(10, "0s").isEmpty(), "full: nothing more");
    assertEquals(204, worker.complete(token(first.getJsonObject(0)), null).statusCode());
    assertEquals(1, worker.claim(10, "0s").size());
  }

  @Test
  void batched_outcomes_are_answered_one_by_one_in_order() {
    HttpWorker worker = HttpWorker.register(offload.client(), "w", 3, "slow");
    offload.node().submitBatch(3, Tasks.of("slow").maxAttempts(1));
    JsonArray attempts = worker.claim(3, "10s");
    assertEquals(3, attempts.size());
    String a = token(attempts.getJsonObject(0));
    String b = token(attempts.getJsonObject(1));
    String c = token(attempts.getJsonObject(2));

    HttpResponse<Buffer> response =
        worker.post(
            "outcomes",
            new JsonObject()
                .put(
                    "outcomes",
                    new JsonArray()
                        .add(outcome(a, "complete", new JsonObject().put("result", "A")))
                        .add(outcome(b, "fail", new JsonObject().put("error", "B failed")))
                        .add(outcome(c, "release", new JsonObject()))
                        .add(outcome(a, "complete", new JsonObject()))
                        .add(outcome(c, "explode", new JsonObject()))));
    assertEquals(200, response.statusCode(), response.bodyAsString());
    JsonArray answers = response.bodyAsJsonObject().getJsonArray("outcomes");
    assertEquals(204, answers.getJsonObject(0).getInteger("status"));
    assertEquals(204, answers.getJsonObject(1).getInteger("status"));
    assertEquals(204, answers.getJsonObject(2).getInteger("status"));
    assertEquals(409, answers.getJsonObject(3).getInteger("status"), answers.encode());
    assertEquals(400, answers.getJsonObject(4).getInteger("status"));
    assertEquals(a, answers.getJsonObject(3).getString("lease_token"));

    assertEquals("A", offload.task(taskId(attempts.getJsonObject(0))).getString("result"));
    assertEquals("discarded", offload.task(taskId(attempts.getJsonObject(1))).getString("state"));
    assertEquals("available", offload.task(taskId(attempts.getJsonObject(2))).getString("state"));
  }

  @Test
  void a_result_over_the_payload_limit_is_a_413_and_changes_nothing() {
    HttpWorker worker = HttpWorker.register(offload.client(), "w", 1, "slow");
    String id = offload.submit(Tasks.of("slow"));
    JsonObject attempt = worker.claimOne();

    HttpResponse<Buffer> tooLarge = worker.complete(token(attempt), "x".repeat(300_000));
    assertEquals(413, tooLarge.statusCode(), tooLarge.bodyAsString());
    assertEquals("payload_too_large", code(tooLarge));
    assertEquals("running", offload.task(id).getString("state"));
  }

  @Test
  void unknown_kinds_are_refused_and_remote_ones_accepted_with_no_worker_connected() {
    HttpWorker worker = HttpWorker.register(offload.client(), "gone", 1, "ocr");
    assertEquals(204, offload.client().delete("/workers/" + worker.id).send().await().statusCode());

    String id = offload.submit(Tasks.of("ocr"));
    assertEquals("available", offload.task(id).getString("state"));
    HttpResponse<Buffer> unknown =
        offload.client().post("/tasks").sendJsonObject(Tasks.of("no.such.kind").json()).await();
    assertEquals(400, unknown.statusCode());
    assertEquals("unknown_kind", code(unknown));
    assertEquals(
        404, worker.post("claim", new JsonObject()).statusCode(), "a forgotten worker is unknown");
  }

  @Test
  void args_are_checked_against_the_kinds_schema_naming_the_field() {
    JsonObject schema =
        new JsonObject(
            """
            {"type": "object", "required": ["url"],
             "properties": {"url": {"type": "string"}, "width": {"type": "integer", "minimum": 1}}}""");
    HttpWorker.register(
        offload.client(), "w", 1, new JsonObject().put("kind", "thumb").put("args_schema", schema));

    HttpResponse<Buffer> bad =
        offload
            .client()
            .post("/tasks")
            .sendJsonObject(Tasks.of("thumb").arg("url", "u").arg("width", 0).json())
            .await();
    assertEquals(400, bad.statusCode(), bad.bodyAsString());
    assertEquals("invalid_args", code(bad));
    String message = bad.bodyAsJsonObject().getJsonObject("error").getString("message");
    assertTrue(message.startsWith("args.width: "), message);
    offload.submit(Tasks.of("thumb").arg("url", "u").arg("width", 10));
  }

  @Test
  void a_schema_that_is_not_json_schema_is_refused_at_registration() {
    HttpResponse<Buffer> refused =
        offload
            .client()
            .post("/workers")
            .sendJsonObject(
                new JsonObject()
                    .put("name", "w")
                    .put(
                        "kinds",
                        new JsonArray()
                            .add(
                                new JsonObject()
                                    .put("kind", "thumb2")
                                    .put("args_schema", new JsonObject().put("type", 12)))))
            .await();
    assertEquals(400, refused.statusCode(), refused.bodyAsString());
    String message = refused.bodyAsJsonObject().getJsonObject("error").getString("message");
    assertTrue(message.startsWith("kinds[0].args_schema.type: "), message);
  }

  @Test
  void a_local_kind_cannot_be_registered_as_remote() {
    HttpResponse<Buffer> conflict =
        offload
            .client()
            .post("/workers")
            .sendJsonObject(
                new JsonObject().put("name", "w").put("kinds", new JsonArray().add("noop")))
            .await();
    assertEquals(409, conflict.statusCode(), conflict.bodyAsString());
    assertEquals("kind_conflict", code(conflict));
  }

  @Test
  void kinds_and_workers_are_listed_with_their_live_workers() {
    HttpWorker worker = HttpWorker.register(offload.client(), "lister", 3, "listed.kind");
    JsonObject claimed = null;
    offload.submit(Tasks.of("listed.kind"));
    claimed = worker.claimOne();

    JsonArray workers =
        offload.client().get("/workers").send().await().bodyAsJsonObject().getJsonArray("workers");
    JsonObject listed =
        workers.stream()
            .map(JsonObject.class::cast)
            .filter(w -> w.getString("id").equals(worker.id))
            .findFirst()
            .orElseThrow();
    assertEquals(1, listed.getInteger("running"));
    assertEquals("test-node", listed.getString("node"));

    JsonArray kinds =
        offload.client().get("/kinds").send().await().bodyAsJsonObject().getJsonArray("kinds");
    JsonObject noop = find(kinds, "noop");
    assertTrue(noop.getBoolean("local"));
    JsonObject remote = find(kinds, "listed.kind");
    assertFalse(remote.getBoolean("local"));
    assertNull(remote.getJsonObject("args_schema"));
    assertEquals(worker.id, remote.getJsonArray("workers").getJsonObject(0).getString("id"));
    assertEquals(204, worker.complete(token(claimed), null).statusCode());
  }

  @Test
  void bad_input_is_a_400_naming_the_field() {
    HttpWorker worker = HttpWorker.register(offload.client(), "w", 1, "slow");
    assertBad(worker.post("claim", new JsonObject().put("max", 101)), "max");
    assertBad(worker.post("claim", new JsonObject().put("wait", "61s")), "wait");
    assertBad(worker.post("claim", new JsonObject().put("maxx", 1)), "maxx");
    assertBad(worker.post("complete", new JsonObject().put("lease_token", "nope")), "lease_token");
    assertBad(
        worker.post("heartbeat", new JsonObject().put("lease_tokens", new JsonArray().add(3))),
        "lease_tokens[0]");
  }

  private static void assertBad(HttpResponse<Buffer> response, String field) {
    assertEquals(400, response.statusCode(), response.bodyAsString());
    String message = response.bodyAsJsonObject().getJsonObject("error").getString("message");
    assertTrue(message.contains(field), message);
  }

  private static JsonObject outcome(String token, String type, JsonObject fields) {
    return new JsonObject().put("lease_token", token).put(type, fields);
  }

  private static JsonObject find(JsonArray kinds, String kind) {
    return kinds.stream()
        .map(JsonObject.class::cast)
        .filter(entry -> entry.getString("kind").equals(kind))
        .findFirst()
        .orElseThrow(() -> new AssertionError(kind + " not in " + kinds.encode()));
  }
}

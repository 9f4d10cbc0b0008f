package dev.offload.api;

import dev.offload.store.TaskFilter.HeavyFields;
import dev.offload.store.TaskPage;
import dev.offload.support.Durations;
import dev.offload.task.AttemptError;
import dev.offload.task.Task;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;

/**
 * The task resource as clients see it. Times are ISO-8601 UTC; absent values are null, never
 * omitted.
 */
public final class TaskJson {

  private TaskJson() {}

  public static JsonObject of(Task task) {
    JsonArray errors = new JsonArray();
    for (AttemptError error : task.errors()) {
      errors.add(
          new JsonObject()
              .put("at", time(error.at()))
              .put("attempt", error.attempt())
              .put("message", error.message()));
    }
    return new JsonObject()
        .put("id", task.id().toString())
        .put("kind", task.kind())
        .put("queue", task.queue())
        .put("state", task.state().wireName())
        .put("args", task.args())
        .put("priority", task.priority())
        .put("attempt", task.attempt())
        .put("max_attempts", task.maxAttempts())
        .put("timeout", Durations.format(task.timeout()))
        .put("progress", task.progress())
        .put("result", task.result())
        .put("errors", errors)
        .put("attempted_by", task.attemptedBy())
        .put("created_at", time(task.createdAt()))
        .put("scheduled_at", time(task.scheduledAt()))
        .put("attempted_at", time(task.attemptedAt()))
        .put("finalized_at", time(task.finalizedAt()))
        .put("cancel_requested_at", time(task.cancelRequestedAt()))
        .put("unique_key", task.uniqueKey())
        .put("callback_url", task.callbackUrl());
  }

  /**
   * Answers a submission: {@code status} (202 created, 200 known), the task, and where to read it
   * again.
   */
  public static void answerSubmitted(RoutingContext ctx, int status, Task task) {
    ctx.response().setStatusCode(status).putHeader("location", "/tasks/" + task.id());
    ctx.json(of(task));
  }

  /** A list page: each task without the heavy fields {@code fields} does not ask for. */
  public static JsonObject of(TaskPage page, HeavyFields fields) {
    JsonArray tasks = new JsonArray();
    for (Task task : page.tasks()) {
      JsonObject json = of(task);
      if (!fields.args()) {
        json.remove("args");
      }
      if (!fields.result()) {
        json.remove("result");
      }
      if (!fields.errors()) {
        json.remove("errors");
      }
      tasks.add(json);
    }
    return new JsonObject()
        .put("tasks", tasks)
        .put("next", page.next() == null ? null : page.next().toString());
  }

  private static String time(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}

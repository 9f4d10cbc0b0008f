package dev.offload.outbound;

import dev.offload.api.TaskJson;
import dev.offload.store.TaskStore;
import dev.offload.task.AsyncTaskHandler;
import dev.offload.task.Callbacks;
import dev.offload.task.DiscardTaskException;
import dev.offload.task.TaskContext;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * {@code callback}: POSTs a finished task's resource (as {@code GET /tasks/{id}} shows it) to its
 * {@code callback_url}. Offload creates these tasks itself when a task with a callback URL becomes
 * final, in the same transaction, so a callback is as durable, and retried, as any task. Args:
 * {@code url}, {@code task_id}. Its kind, attempts, timeout and lane are {@link Callbacks}'.
 */
public final class CallbackTaskHandler implements AsyncTaskHandler {

  private final OutboundCalls calls;
  private final TaskStore store;

  public CallbackTaskHandler(OutboundCalls calls, TaskStore store) {
    this.calls = calls;
    this.store = store;
  }

  @Override
  public String kind() {
    return Callbacks.KIND;
  }

  @Override
  public void validate(JsonObject args) {
    if (!(args.getValue("url") instanceof String url)
        || !(args.getValue("task_id") instanceof String id)) {
      throw new IllegalArgumentException("args.url and args.task_id are required");
    }
    calls.allowedHosts().check(url);
    try {
      UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("args.task_id must be a task id");
    }
  }

  @Override
  public Future<Object> start(TaskContext context, Vertx vertx) {
    UUID taskId = UUID.fromString(context.args().getString("task_id"));
    return store
        .get(taskId)
        .compose(
            found -> {
              if (found.isEmpty()) {
                return Future.failedFuture(
                    new DiscardTaskException("task " + taskId + " no longer exists"));
              }
              MultiMap headers =
                  MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json");
              Buffer body = TaskJson.of(found.get()).toBuffer();
              return calls.send(
                  HttpMethod.POST,
                  context.args().getString("url"),
                  headers,
                  body,
                  Callbacks.TIMEOUT,
                  context);
            });
  }
}

package dev.offload.http;

import dev.offload.api.TaskJson;
import dev.offload.dispatch.Addresses;
import dev.offload.files.FileStore;
import dev.offload.files.Uploads;
import dev.offload.store.TaskStore;
import dev.offload.task.Lane;
import dev.offload.task.NewTask;
import dev.offload.task.TaskHandlers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

/**
 * The routes that take a file and hand it to a task ({@code /users/import}, {@code /images/thumbnail}): the
 * body is streamed into a file, then a task of the given kind is created with {@code file_id} in its args and
 * the file attached to it (so it goes with the task); 202 with the task.
 */
public final class UploadTasks {

  private final Vertx vertx;
  private final FileStore files;
  private final TaskStore tasks;
  private final Clock clock;
  private final Uploads uploads;
  private final int maxAttempts;
  private final TaskHandlers handlers;

  public UploadTasks(Vertx vertx, FileStore files, TaskStore tasks, TaskHandlers handlers, Clock clock,
      long uploadLimit, int maxAttempts) {
    this.handlers = handlers;
    this.vertx = vertx;
    this.files = files;
    this.tasks = tasks;
    this.clock = clock;
    this.uploads = new Uploads(files, uploadLimit);
    this.maxAttempts = maxAttempts;
  }

  /** Call before any asynchronous step: the request body must not start arriving before it is read. */
  public void accept(RoutingContext ctx, String contentType, String kind, JsonObject args, Duration timeout) {
    uploads.receive(ctx.request(), contentType, clock.instant())
        .compose(fileId -> createTask(fileId, kind, args.copy().put("file_id", fileId.toString()), timeout))
        .onSuccess(task -> {
          vertx.eventBus().send(Addresses.DISPATCHER_WAKE, null);
          ctx.response().setStatusCode(202).putHeader("location", "/tasks/" + task.getString("id"));
          ctx.json(task);
        })
        .onFailure(ctx::fail);
  }

  private Future<JsonObject> createTask(UUID fileId, String kind, JsonObject args, Duration timeout) {
    Lane lane = handlers.find(kind).map(Lane::of).orElseThrow();
    NewTask task = new NewTask(kind, lane, NewTask.DEFAULT_QUEUE, args, NewTask.DEFAULT_PRIORITY, maxAttempts, timeout,
        null, null, null);
    return tasks.insert(task, clock.instant())
        .compose(submitted -> files.attach(fileId, submitted.task().id()).map(TaskJson.of(submitted.task())));
  }
}

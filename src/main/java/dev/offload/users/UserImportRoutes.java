package dev.offload.users;

import dev.offload.dispatch.Addresses;
import dev.offload.files.FileStore;
import dev.offload.files.Uploads;
import dev.offload.http.RequireDatabase;
import dev.offload.http.TaskJson;
import dev.offload.store.DatabaseStatus;
import dev.offload.store.TaskStore;
import dev.offload.task.NewTask;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

/**
 * {@code POST /users/import}: a CSV body, streamed into a file chunk by chunk as it arrives (never held whole
 * in memory; the upload waits while a chunk is stored), then a {@code users.import} task that reads it:
 * 202 with the task. Bodies over {@code http.upload_limit} get 413.
 */
public final class UserImportRoutes {

  private final Vertx vertx;
  private final FileStore files;
  private final TaskStore tasks;
  private final DatabaseStatus database;
  private final Clock clock;
  private final Uploads uploads;
  private final int maxAttempts;

  public UserImportRoutes(Vertx vertx, FileStore files, TaskStore tasks, DatabaseStatus database, Clock clock,
      long uploadLimit, int maxAttempts) {
    this.vertx = vertx;
    this.files = files;
    this.tasks = tasks;
    this.database = database;
    this.clock = clock;
    this.uploads = new Uploads(files, uploadLimit);
    this.maxAttempts = maxAttempts;
  }

  public void mount(Router router) {
    // Before the /users routes: no BodyHandler here, the body is streamed.
    router.post("/users/import").handler(new RequireDatabase(database)).handler(this::upload);
  }

  private void upload(RoutingContext ctx) {
    uploads.receive(ctx.request(), "text/csv", clock.instant())
        .compose(this::createTask)
        .onSuccess(task -> {
          vertx.eventBus().send(Addresses.DISPATCHER_WAKE, null);
          ctx.response().setStatusCode(202).putHeader("location", "/tasks/" + task.getString("id"));
          ctx.json(task);
        })
        .onFailure(ctx::fail);
  }

  private Future<JsonObject> createTask(UUID fileId) {
    NewTask task = new NewTask("users.import", NewTask.DEFAULT_QUEUE, new JsonObject().put("file_id", fileId.toString()),
        NewTask.DEFAULT_PRIORITY, maxAttempts, Duration.ofHours(1), null, null, null);
    return tasks.insert(task, clock.instant())
        .compose(submitted -> files.attach(fileId, submitted.task().id()).map(TaskJson.of(submitted.task())));
  }
}

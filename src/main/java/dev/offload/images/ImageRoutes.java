package dev.offload.images;

import dev.offload.dispatch.Addresses;
import dev.offload.files.FileStore;
import dev.offload.files.Uploads;
import dev.offload.http.ApiError;
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
 * {@code POST /images/thumbnail?width=W[&height=H]}: the image body is streamed into a file, then an
 * {@code image.thumbnail} task resizes it; 202 with the task. The PNG is downloaded from
 * {@code GET /tasks/{id}/result} once the task completes.
 */
public final class ImageRoutes {

  private final Vertx vertx;
  private final FileStore files;
  private final TaskStore tasks;
  private final DatabaseStatus database;
  private final Clock clock;
  private final Uploads uploads;
  private final ThumbnailHandler handler;
  private final int maxAttempts;

  public ImageRoutes(Vertx vertx, FileStore files, TaskStore tasks, DatabaseStatus database, Clock clock,
      long uploadLimit, int maxAttempts) {
    this.vertx = vertx;
    this.files = files;
    this.tasks = tasks;
    this.database = database;
    this.clock = clock;
    this.uploads = new Uploads(files, Math.min(uploadLimit, ThumbnailHandler.MAX_IMAGE_BYTES));
    this.handler = new ThumbnailHandler(files, clock);
    this.maxAttempts = maxAttempts;
  }

  public void mount(Router router) {
    router.post("/images/thumbnail").handler(new RequireDatabase(database)).handler(this::thumbnail);
  }

  private void thumbnail(RoutingContext ctx) {
    JsonObject args = new JsonObject();
    try {
      args.put("width", Integer.parseInt(String.valueOf(ctx.queryParams().get("width"))));
      if (ctx.queryParams().get("height") != null) {
        args.put("height", Integer.parseInt(ctx.queryParams().get("height")));
      }
      handler.validate(args.copy().put("file_id", UUID.randomUUID().toString()));
    } catch (IllegalArgumentException e) { // NumberFormatException included
      throw ApiError.badRequest("invalid_query",
          "width (and optionally height) must be integers from 1 to " + ThumbnailHandler.MAX_SIDE);
    }
    String contentType = ctx.request().getHeader("content-type");
    uploads.receive(ctx.request(), contentType == null ? "application/octet-stream" : contentType, clock.instant())
        .compose(fileId -> createTask(fileId, args.put("file_id", fileId.toString())))
        .onSuccess(task -> {
          vertx.eventBus().send(Addresses.DISPATCHER_WAKE, null);
          ctx.response().setStatusCode(202).putHeader("location", "/tasks/" + task.getString("id"));
          ctx.json(task);
        })
        .onFailure(ctx::fail);
  }

  private Future<JsonObject> createTask(UUID fileId, JsonObject args) {
    NewTask task = new NewTask("image.thumbnail", NewTask.DEFAULT_QUEUE, args, NewTask.DEFAULT_PRIORITY,
        maxAttempts, Duration.ofMinutes(5), null, null, null);
    return tasks.insert(task, clock.instant())
        .compose(submitted -> files.attach(fileId, submitted.task().id()).map(TaskJson.of(submitted.task())));
  }
}

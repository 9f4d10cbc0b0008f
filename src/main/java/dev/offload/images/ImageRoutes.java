package dev.offload.images;

import dev.offload.api.ApiError;
import dev.offload.api.RequireDatabase;
import dev.offload.api.TaskJson;
import dev.offload.store.DatabaseStatus;
import dev.offload.submit.UploadTasks;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * {@code POST /images/thumbnail?width=W[&height=H]}: the image body is streamed into a file, then
 * an {@code image.thumbnail} task resizes it; 202 with the task. The PNG is downloaded from {@code
 * GET /tasks/{id}/result} once the task completes.
 */
public final class ImageRoutes {

  private final UploadTasks uploads;
  private final DatabaseStatus database;

  /**
   * @param uploads limited to {@link ThumbnailHandler#MAX_IMAGE_BYTES}: an image is decoded whole
   */
  public ImageRoutes(UploadTasks uploads, DatabaseStatus database) {
    this.uploads = uploads;
    this.database = database;
  }

  public void mount(Router router) {
    router
        .post("/images/thumbnail")
        .handler(new RequireDatabase(database))
        .handler(this::thumbnail);
  }

  /**
   * The size is checked before the upload is taken; the task's args, with the upload's file id,
   * after.
   */
  private void thumbnail(RoutingContext ctx) {
    JsonObject size = new JsonObject();
    try {
      size.put("width", Integer.parseInt(String.valueOf(ctx.queryParams().get("width"))));
      if (ctx.queryParams().get("height") != null) {
        size.put("height", Integer.parseInt(ctx.queryParams().get("height")));
      }
      ThumbnailHandler.validateSize(size);
    } catch (IllegalArgumentException e) { // NumberFormatException included
      throw ApiError.badRequest(
          "invalid_query",
          "width (and optionally height) must be integers from 1 to " + ThumbnailHandler.MAX_SIDE);
    }
    String contentType = ctx.request().getHeader("content-type");
    uploads
        .accept(
            ctx.request(),
            contentType == null ? "application/octet-stream" : contentType,
            ThumbnailHandler.KIND,
            size,
            Duration.ofMinutes(5))
        .onSuccess(task -> TaskJson.answerSubmitted(ctx, 202, task))
        .onFailure(ctx::fail);
  }
}

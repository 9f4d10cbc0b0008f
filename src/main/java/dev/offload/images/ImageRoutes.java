package dev.offload.images;

import dev.offload.api.ApiError;
import dev.offload.api.RequireDatabase;
import dev.offload.http.UploadTasks;
import dev.offload.store.DatabaseStatus;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.UUID;

/**
 * {@code POST /images/thumbnail?width=W[&height=H]}: the image body is streamed into a file, then an
 * {@code image.thumbnail} task resizes it; 202 with the task. The PNG is downloaded from
 * {@code GET /tasks/{id}/result} once the task completes.
 */
public final class ImageRoutes {

  private final UploadTasks uploads;
  private final DatabaseStatus database;
  private final ThumbnailHandler handler;

  /** @param uploads limited to {@link ThumbnailHandler#MAX_IMAGE_BYTES}: an image is decoded whole */
  public ImageRoutes(UploadTasks uploads, DatabaseStatus database, ThumbnailHandler handler) {
    this.uploads = uploads;
    this.database = database;
    this.handler = handler;
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
    uploads.accept(ctx, contentType == null ? "application/octet-stream" : contentType, "image.thumbnail", args,
        Duration.ofMinutes(5));
  }
}

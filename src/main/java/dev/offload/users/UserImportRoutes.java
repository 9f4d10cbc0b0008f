package dev.offload.users;

import dev.offload.api.RequireDatabase;
import dev.offload.api.TaskJson;
import dev.offload.store.DatabaseStatus;
import dev.offload.submit.UploadTasks;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Duration;

/**
 * {@code POST /users/import}: a CSV body, streamed into a file chunk by chunk as it arrives (never
 * held whole in memory; the upload waits while a chunk is stored), then a {@code users.import} task
 * that reads it: 202 with the task. Bodies over {@code http.upload_limit} get 413.
 */
public final class UserImportRoutes {

  private final UploadTasks uploads;
  private final DatabaseStatus database;

  public UserImportRoutes(UploadTasks uploads, DatabaseStatus database) {
    this.uploads = uploads;
    this.database = database;
  }

  public void mount(Router router) {
    // Before the /users routes: no BodyHandler here, the body is streamed.
    router
        .post("/users/import")
        .handler(new RequireDatabase(database))
        .handler(
            ctx ->
                uploads
                    .accept(
                        ctx.request(),
                        "text/csv",
                        "users.import",
                        new JsonObject(),
                        Duration.ofHours(1))
                    .onSuccess(task -> TaskJson.answerSubmitted(ctx, 202, task))
                    .onFailure(ctx::fail));
  }
}

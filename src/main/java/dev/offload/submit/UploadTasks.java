package dev.offload.submit;

import dev.offload.files.FileStore;
import dev.offload.files.Uploads;
import dev.offload.task.Task;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;

/**
 * For the routes that take a file and hand it to a task ({@code /users/import}, {@code
 * /images/thumbnail}): the body is streamed into a file, then a task of the route's kind is
 * submitted ({@link TaskSubmitter}) with {@code file_id} in its args, and the file is attached to
 * it (so it goes with the task).
 */
public final class UploadTasks {

  private final FileStore files;
  private final Uploads uploads;
  private final TaskSubmitter submitter;
  private final Clock clock;

  public UploadTasks(FileStore files, TaskSubmitter submitter, Clock clock, long uploadLimit) {
    this.files = files;
    this.uploads = new Uploads(files, uploadLimit);
    this.submitter = submitter;
    this.clock = clock;
  }

  /**
   * Call before any asynchronous step: the request body must not start arriving before it is read.
   */
  public Future<Task> accept(
      HttpServerRequest request,
      String contentType,
      String kind,
      JsonObject args,
      Duration timeout) {
    return uploads
        .receive(request, contentType, clock.instant())
        .compose(
            fileId ->
                submitter
                    .submit(kind, args.copy().put("file_id", fileId.toString()), timeout)
                    .compose(task -> files.attach(fileId, task.id()).map(task)));
  }
}

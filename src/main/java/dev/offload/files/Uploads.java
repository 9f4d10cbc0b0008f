package dev.offload.files;

import dev.offload.api.ApiError;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerRequest;
import java.time.Instant;
import java.util.UUID;

/**
 * Streams a request body into a new file as it arrives, never holding it whole: the request is
 * paused while a chunk is stored. A body over {@code limit} bytes fails with a 413.
 */
public final class Uploads {

  private final FileStore files;
  private final long limit;

  public Uploads(FileStore files, long limit) {
    this.files = files;
    this.limit = limit;
  }

  /** Call before any asynchronous step, so that no body arrives before it is read. */
  public Future<UUID> receive(HttpServerRequest request, String contentType, Instant now) {
    request.pause();
    return files
        .create(null, FileStore.Role.INPUT, contentType, now)
        .compose(fileId -> stream(request, new ChunkWriter(files, fileId)).map(fileId));
  }

  private Future<Void> stream(HttpServerRequest request, ChunkWriter writer) {
    Promise<Void> received = Promise.promise();
    request.handler(
        data -> {
          if (writer.size() + data.length() > limit) {
            // Stop reading, and never close (complete) the truncated file when the rest of the body
            // has gone by.
            request.handler(null);
            request.endHandler(null);
            received.tryFail(
                new ApiError(413, "body_too_large", "the upload exceeds " + limit + " bytes"));
            return;
          }
          Future<Void> stored = writer.write(data);
          if (!stored.isComplete()) {
            request.pause();
            stored.onComplete(ignored -> request.resume());
          }
          stored.onFailure(received::tryFail);
        });
    request.exceptionHandler(received::tryFail);
    // try*: the body may also have failed (a reset connection) before its end.
    request.endHandler(
        ended -> writer.close().onComplete(received::tryComplete, received::tryFail));
    request.resume();
    return received.future();
  }
}

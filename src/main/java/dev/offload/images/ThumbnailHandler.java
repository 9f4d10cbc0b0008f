package dev.offload.images;

import dev.offload.files.ChunkWriter;
import dev.offload.files.FileStore;
import dev.offload.files.StoredFile;
import dev.offload.task.AsyncTaskHandler;
import dev.offload.task.DiscardTaskException;
import dev.offload.task.TaskContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.UUID;

/**
 * {@code image.thumbnail}, the seeds' "media processing": resizes an uploaded image ({@code POST
 * /images/thumbnail}) to a PNG of {@code width} (and {@code height}, else keeping the aspect
 * ratio). The bytes move asynchronously; the resizing itself, CPU-bound, runs on a worker thread
 * through {@code executeBlocking}, never on the event loop. The PNG is the task's result file.
 */
public final class ThumbnailHandler implements AsyncTaskHandler {

  public static final String KIND = "image.thumbnail";
  public static final int MAX_SIDE = 4_096;

  /**
   * An image is decoded whole, in memory; larger uploads are refused (413) before they are stored.
   */
  public static final long MAX_IMAGE_BYTES = 64L * 1024 * 1024;

  private final FileStore files;
  private final Clock clock;

  public ThumbnailHandler(FileStore files, Clock clock) {
    this.files = files;
    this.clock = clock;
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public void validate(JsonObject args) {
    try {
      UUID.fromString(String.valueOf(args.getValue("file_id")));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "args.file_id must be an uploaded image: use POST /images/thumbnail");
    }
    validateSize(args);
  }

  /**
   * Checks the part of the args that a client chooses, {@code width} and {@code height}, so that a
   * route can refuse a bad size before it takes the upload; {@code file_id} comes from the upload.
   *
   * @throws IllegalArgumentException with a message for the client
   */
  public static void validateSize(JsonObject args) {
    side(args, "width", true);
    side(args, "height", false);
  }

  @Override
  public Future<Object> start(TaskContext context, Vertx vertx) {
    UUID fileId = UUID.fromString(context.args().getString("file_id"));
    int width = side(context.args(), "width", true);
    int height = side(context.args(), "height", false);
    return files
        .get(fileId)
        .compose(
            file ->
                file.isPresent()
                    ? read(file.get(), Buffer.buffer((int) file.get().size()), 0)
                    : Future.failedFuture(
                        new DiscardTaskException("the uploaded image " + fileId + " is missing")))
        .compose(
            image -> vertx.executeBlocking(() -> resize(image.getBytes(), width, height), false))
        .compose(
            thumbnail ->
                files
                    .replace(context.taskId(), FileStore.Role.RESULT, "image/png", clock.instant())
                    .compose(
                        resultId -> {
                          ChunkWriter writer = new ChunkWriter(files, resultId);
                          return writer
                              .write(Buffer.buffer(thumbnail.png()))
                              .compose(ignored -> writer.close());
                        })
                    .map(
                        stored ->
                            (Object)
                                new JsonObject()
                                    .put("width", thumbnail.width())
                                    .put("height", thumbnail.height())
                                    .put("source_width", thumbnail.sourceWidth())
                                    .put("source_height", thumbnail.sourceHeight())
                                    .put("bytes", thumbnail.png().length)
                                    .put("download", "/tasks/" + context.taskId() + "/result")));
  }

  /** An undecodable image will never decode: discard instead of retrying. */
  private static Thumbnails.Thumbnail resize(byte[] image, int width, int height) {
    try {
      return Thumbnails.resize(image, width, height);
    } catch (IllegalArgumentException e) {
      throw new DiscardTaskException(e.getMessage());
    }
  }

  private Future<Buffer> read(StoredFile file, Buffer into, int seq) {
    return files
        .chunk(file.id(), seq)
        .compose(
            chunk ->
                chunk == null
                    ? Future.succeededFuture(into)
                    : read(file, into.appendBuffer(chunk), seq + 1));
  }

  private static int side(JsonObject args, String name, boolean required) {
    Object value = args.getValue(name);
    if (value == null && !required) {
      return 0;
    }
    if (!(value instanceof Integer side) || side < 1 || side > MAX_SIDE) {
      throw new IllegalArgumentException(
          "args."
              + name
              + " must be an integer from 1 to "
              + MAX_SIDE
              + (required ? "" : " (or absent to keep the aspect ratio)"));
    }
    return side;
  }
}

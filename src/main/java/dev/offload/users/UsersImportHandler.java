package dev.offload.users;

import dev.offload.files.FileStore;
import dev.offload.files.StoredFile;
import dev.offload.task.AsyncTaskHandler;
import dev.offload.task.DiscardTaskException;
import dev.offload.task.TaskContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * {@code users.import}: reads the uploaded CSV ({@code POST /users/import}) a chunk at a time and
 * inserts its users in batches of {@value #BATCH}, under the rules of {@code POST /users}. A bad
 * line (malformed, invalid, email taken) is recorded with its line number and reason in the result;
 * it does not fail the import.
 */
public final class UsersImportHandler implements AsyncTaskHandler {

  static final int BATCH = 1_000;
  static final int MAX_ERRORS_KEPT = 1_000;

  private final UserStore users;
  private final FileStore files;
  private final Clock clock;

  public UsersImportHandler(UserStore users, FileStore files, Clock clock) {
    this.users = users;
    this.files = files;
    this.clock = clock;
  }

  @Override
  public String kind() {
    return "users.import";
  }

  @Override
  public void validate(JsonObject args) {
    try {
      UUID.fromString(String.valueOf(args.getValue("file_id")));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "args.file_id must be an uploaded file's id: use POST /users/import");
    }
  }

  @Override
  public Future<Object> start(TaskContext context, Vertx vertx) {
    UUID fileId = UUID.fromString(context.args().getString("file_id"));
    return files
        .get(fileId)
        .compose(
            file -> {
              if (file.isEmpty()) {
                return Future.failedFuture(
                    new DiscardTaskException("the uploaded file " + fileId + " is missing"));
              }
              Run run = new Run(file.get(), context);
              return run.chunk(0).map(ignored -> run.result());
            });
  }

  /**
   * One attempt's state: the partial line carried between chunks, the batch, the counts and the
   * errors.
   */
  private final class Run {
    private final StoredFile file;
    private final TaskContext context;
    private byte[] carry = new byte[0];
    private long bytesRead;
    private long lineNumber;
    private int emailColumn = -1;
    private int nameColumn = -1;
    private long imported;
    private long failed;
    private final JsonArray errors = new JsonArray();
    private final List<NewUser> batch = new ArrayList<>();
    private final List<Long> batchLines = new ArrayList<>();

    Run(StoredFile file, TaskContext context) {
      this.file = file;
      this.context = context;
    }

    Future<Void> chunk(int seq) {
      if (context.isStopRequested()) {
        return Future.failedFuture("import stopped");
      }
      return files
          .chunk(file.id(), seq)
          .compose(
              data -> {
                if (data == null) { // end of file: the last line may have no line break
                  return (carry.length == 0
                          ? Future.<Void>succeededFuture()
                          : lines(carry, carry.length, true))
                      .compose(ignored -> flush());
                }
                bytesRead += data.length();
                byte[] bytes = concat(carry, data);
                int end = lastNewline(bytes);
                carry = Arrays.copyOfRange(bytes, end + 1, bytes.length);
                return lines(bytes, end + 1, false)
                    .compose(
                        ignored -> {
                          context.progress(
                              file.size() == 0
                                  ? 1
                                  : Math.min(1.0, (double) bytesRead / file.size()));
                          return chunk(seq + 1);
                        });
              });
    }

    /**
     * The complete lines in {@code bytes[0, length)}, as UTF-8; a batch is inserted whenever it is
     * full.
     */
    private Future<Void> lines(byte[] bytes, int length, boolean last) {
      String[] lines = new String(bytes, 0, length, StandardCharsets.UTF_8).split("\n", -1);
      // Without a final line break, the split leaves an empty last element that is no line.
      int count = last ? lines.length : lines.length - 1;
      return linesFrom(lines, 0, count);
    }

    private Future<Void> linesFrom(String[] lines, int from, int count) {
      for (int i = from; i < count; i++) {
        String line =
            lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        if (!accept(line)) {
          return Future.failedFuture(
              new DiscardTaskException(
                  "line 1 must be a header naming the email and name columns, e.g. email,name"));
        }
        if (batch.size() >= BATCH) {
          int next = i + 1;
          return flush().compose(ignored -> linesFrom(lines, next, count));
        }
      }
      return Future.succeededFuture();
    }

    /** False only for a header without email and name columns. */
    private boolean accept(String line) {
      List<String> fields;
      try {
        fields = UserCsv.fields(line);
      } catch (IllegalArgumentException e) {
        if (emailColumn < 0) {
          return false;
        }
        error(lineNumber, e.getMessage());
        return true;
      }
      if (emailColumn < 0) {
        for (int i = 0; i < fields.size(); i++) {
          String column = fields.get(i).strip().toLowerCase(Locale.ROOT);
          emailColumn = column.equals("email") ? i : emailColumn;
          nameColumn = column.equals("name") ? i : nameColumn;
        }
        return emailColumn >= 0 && nameColumn >= 0;
      }
      if (fields.size() <= Math.max(emailColumn, nameColumn)) {
        error(
            lineNumber, "expected at least " + (Math.max(emailColumn, nameColumn) + 1) + " fields");
        return true;
      }
      try {
        batch.add(UserInput.newUser(fields.get(emailColumn), fields.get(nameColumn)));
        batchLines.add(lineNumber);
      } catch (InvalidUserException e) {
        error(lineNumber, e.getMessage());
      }
      return true;
    }

    /**
     * Inserts the batch; a line whose email was taken, earlier or in this batch, becomes an error.
     */
    private Future<Void> flush() {
      if (batch.isEmpty()) {
        return Future.succeededFuture();
      }
      List<NewUser> rows = new ArrayList<>(batch);
      List<Long> lines = new ArrayList<>(batchLines);
      batch.clear();
      batchLines.clear();
      return users
          .importBatch(rows, clock.instant())
          .map(
              inserted -> {
                for (int i = 0; i < rows.size(); i++) {
                  // The first line with an email consumes it: a later line with the same email was
                  // skipped.
                  if (inserted.remove(rows.get(i).email().toLowerCase(Locale.ROOT))) {
                    imported++;
                  } else {
                    error(lines.get(i), "email already exists");
                  }
                }
                return null;
              });
    }

    private void error(long line, String reason) {
      failed++;
      if (errors.size() < MAX_ERRORS_KEPT) {
        errors.add(new JsonObject().put("line", line).put("reason", reason));
      }
    }

    Object result() {
      return new JsonObject()
          .put("lines", lineNumber - 1)
          .put("imported", imported)
          .put("failed", failed)
          .put("errors", errors)
          .put("errors_truncated", failed > errors.size());
    }
  }

  private static byte[] concat(byte[] carry, Buffer data) {
    byte[] bytes = new byte[carry.length + data.length()];
    System.arraycopy(carry, 0, bytes, 0, carry.length);
    data.getBytes(bytes, carry.length);
    return bytes;
  }

  private static int lastNewline(byte[] bytes) {
    for (int i = bytes.length - 1; i >= 0; i--) {
      if (bytes[i] == '\n') {
        return i;
      }
    }
    return -1;
  }
}

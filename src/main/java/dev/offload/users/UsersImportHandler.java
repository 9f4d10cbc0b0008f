package dev.offload.users;

import dev.offload.files.FileStore;
import dev.offload.files.StoredFile;
import dev.offload.task.AsyncTaskHandler;
import dev.offload.task.DiscardTaskException;
import dev.offload.task.TaskContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * {@code users.import}: reads the uploaded CSV ({@code POST /users/import}) a chunk at a time with
 * {@link CsvRecordReader} and inserts its users in batches of {@value #BATCH}, under the rules of
 * {@code POST /users}. A bad record (malformed, not UTF-8, invalid, email taken) is recorded with
 * the number of the line it starts on and the reason in the result; it does not fail the import.
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
   * One attempt's state: the CSV reader (which carries a record cut by a chunk boundary), the
   * header's columns, the batch, the counts and the errors.
   */
  private final class Run {
    private final StoredFile file;
    private final TaskContext context;
    private final CsvRecordReader reader = new CsvRecordReader();
    private long bytesRead;
    private long headerLine;
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
                if (data == null) { // end of file: the last record may have no line break
                  reader.end();
                  return records().compose(ignored -> flush()).compose(ignored -> headerSeen());
                }
                bytesRead += data.length();
                reader.feed(data);
                return records()
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
     * The records complete in what was fed so far; a batch is inserted whenever it is full, so that
     * at most one batch of users waits in memory.
     */
    private Future<Void> records() {
      for (CsvRecord record = reader.next(); record != null; record = reader.next()) {
        if (!accept(record)) {
          return Future.failedFuture(noHeader(record));
        }
        if (batch.size() >= BATCH) {
          return flush().compose(ignored -> records());
        }
      }
      return Future.succeededFuture();
    }

    /** False only for a first record that is not a header naming email and name columns. */
    private boolean accept(CsvRecord record) {
      if (emailColumn < 0) {
        List<String> fields = record.fields();
        for (int i = 0; i < fields.size(); i++) {
          String column = fields.get(i).strip().toLowerCase(Locale.ROOT);
          emailColumn = column.equals("email") ? i : emailColumn;
          nameColumn = column.equals("name") ? i : nameColumn;
        }
        headerLine = record.line();
        return emailColumn >= 0 && nameColumn >= 0;
      }
      if (record.error() != null) {
        error(record.line(), record.error());
        return true;
      }
      List<String> fields = record.fields();
      if (fields.size() <= Math.max(emailColumn, nameColumn)) {
        error(
            record.line(),
            "expected at least " + (Math.max(emailColumn, nameColumn) + 1) + " fields");
        return true;
      }
      try {
        batch.add(
            UserInput.newUser(
                UserCsv.value(fields.get(emailColumn)), UserCsv.value(fields.get(nameColumn))));
        batchLines.add(record.line());
      } catch (InvalidUserException e) {
        error(record.line(), e.getMessage());
      }
      return true;
    }

    /** An empty file (or one of blank lines) has no header either. */
    private Future<Void> headerSeen() {
      return emailColumn >= 0 ? Future.succeededFuture() : Future.failedFuture(noHeader(null));
    }

    private DiscardTaskException noHeader(CsvRecord first) {
      return new DiscardTaskException(
          "line "
              + (first == null ? 1 : first.line())
              + " must be a header naming the email and name columns, e.g. email,name"
              + (first == null || first.error() == null ? "" : "; " + first.error()));
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
          .put("lines", reader.lines() - headerLine)
          .put("imported", imported)
          .put("failed", failed)
          .put("errors", errors)
          .put("errors_truncated", failed > errors.size());
    }
  }
}

package dev.offload.users;

import dev.offload.files.ChunkWriter;
import dev.offload.files.FileStore;
import dev.offload.task.AsyncTaskHandler;
import dev.offload.task.TaskContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * {@code users.export}: writes every user (or those whose email contains {@code email_contains}) as
 * CSV or NDJSON ({@code format}) to the task's result file, a page of users at a time, so memory
 * stays flat for any number of rows; reports progress; {@code GET /tasks/{id}/result} serves the
 * file.
 */
public final class UsersExportHandler implements AsyncTaskHandler {

  static final int PAGE = 5_000;
  private static final Set<String> ARGS = Set.of("format", "email_contains");

  private final UserStore users;
  private final FileStore files;
  private final Clock clock;

  public UsersExportHandler(UserStore users, FileStore files, Clock clock) {
    this.users = users;
    this.files = files;
    this.clock = clock;
  }

  @Override
  public String kind() {
    return "users.export";
  }

  @Override
  public void validate(JsonObject args) {
    if (!ARGS.containsAll(args.fieldNames())) {
      throw new IllegalArgumentException(
          "users.export takes args format (csv or ndjson) and email_contains");
    }
    format(args);
    Object filter = args.getValue("email_contains");
    if (filter != null
        && (!(filter instanceof String text) || text.isEmpty() || text.length() > 254)) {
      throw new IllegalArgumentException(
          "args.email_contains must be a string of 1 to 254 characters");
    }
  }

  @Override
  public Future<Object> start(TaskContext context, Vertx vertx) {
    boolean csv = format(context.args()).equals("csv");
    String filter = context.args().getString("email_contains");
    return users
        .count(filter)
        .compose(
            total ->
                files
                    .replace(
                        context.taskId(),
                        FileStore.Role.RESULT,
                        csv ? "text/csv" : "application/x-ndjson",
                        clock.instant())
                    .compose(
                        fileId -> {
                          ChunkWriter writer = new ChunkWriter(files, fileId);
                          Future<Void> header =
                              csv
                                  ? writer.write(Buffer.buffer(UserCsv.HEADER + "\n"))
                                  : Future.succeededFuture();
                          return header
                              .compose(
                                  ignored -> exportFrom(0, 0, total, filter, csv, writer, context))
                              .compose(
                                  rows ->
                                      writer
                                          .close()
                                          .map(
                                              closed ->
                                                  (Object)
                                                      new JsonObject()
                                                          .put("format", csv ? "csv" : "ndjson")
                                                          .put("rows", rows)
                                                          .put("bytes", writer.size())
                                                          .put(
                                                              "download",
                                                              "/tasks/"
                                                                  + context.taskId()
                                                                  + "/result")));
                        }));
  }

  /**
   * Writes the users after {@code afterId}, page by page; completes with the number of rows
   * written.
   */
  private Future<Long> exportFrom(
      long afterId,
      long done,
      long total,
      String filter,
      boolean csv,
      ChunkWriter writer,
      TaskContext context) {
    if (context.isStopRequested()) {
      return Future.failedFuture("export stopped");
    }
    return users
        .exportPage(afterId, filter, PAGE)
        .compose(
            page -> {
              if (page.isEmpty()) {
                return Future.succeededFuture(done);
              }
              Buffer lines = Buffer.buffer(page.size() * 96);
              for (User user : page) {
                lines
                    .appendString(csv ? UserCsv.csvLine(user) : UserCsv.ndjsonLine(user))
                    .appendString("\n");
              }
              long written = done + page.size();
              context.progress(total == 0 ? 1 : Math.min(1.0, (double) written / total));
              User last = page.get(page.size() - 1);
              return writer
                  .write(lines)
                  .compose(
                      ignored ->
                          page.size() < PAGE
                              ? Future.succeededFuture(written)
                              : exportFrom(
                                  last.id(), written, total, filter, csv, writer, context));
            });
  }

  private static String format(JsonObject args) {
    Object format = args.getValue("format", "csv");
    if (!List.of("csv", "ndjson").contains(format)) {
      throw new IllegalArgumentException("args.format must be csv or ndjson");
    }
    return (String) format;
  }
}

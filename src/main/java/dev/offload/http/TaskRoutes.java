package dev.offload.http;

import dev.offload.api.ApiError;
import dev.offload.api.JsonBodies;
import dev.offload.api.RequireDatabase;
import dev.offload.api.TaskJson;
import dev.offload.api.TaskParams;
import dev.offload.files.FileStore;
import dev.offload.files.StoredFile;
import dev.offload.store.CreatedRange;
import dev.offload.store.DatabaseStatus;
import dev.offload.store.TaskFilter;
import dev.offload.store.TaskFilter.HeavyFields;
import dev.offload.store.TaskPage;
import dev.offload.store.TaskStore;
import dev.offload.submit.TaskSubmitter;
import dev.offload.task.Task;
import dev.offload.task.TaskState;
import dev.offload.tracing.Traceparents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Function;

/**
 * {@code /tasks}: submit tasks (one, or a batch), read one, list them, cancel and retry. Task code
 * never runs here.
 */
final class TaskRoutes {

  private static final int DEFAULT_LIMIT = 100;
  private static final String IDEMPOTENCY_KEY = "idempotency-key";

  private static final int MAX_LIMIT = 1_000;
  private static final int MAX_SEARCH_TEXT = 200;

  private final Vertx vertx;
  private final TaskStore store;
  private final TaskSubmitter submitter;
  private final DatabaseStatus database;
  private final Clock clock;
  private final int bodyLimit;
  private final FileStore files;

  TaskRoutes(
      Vertx vertx,
      TaskStore store,
      TaskSubmitter submitter,
      DatabaseStatus database,
      Clock clock,
      int bodyLimit,
      FileStore files) {
    this.files = files;
    this.vertx = vertx;
    this.store = store;
    this.submitter = submitter;
    this.database = database;
    this.clock = clock;
    this.bodyLimit = bodyLimit;
  }

  void mount(Router router) {
    router.route("/tasks*").handler(new RequireDatabase(database));
    router
        .post("/tasks")
        .handler(BodyHandler.create(false).setBodyLimit(bodyLimit))
        .handler(this::submit);
    router
        .post("/tasks/batch")
        // The same limit as one submission's: the database client encodes a batch's statement on
        // its event loop, which a 16 MiB batch held for hundreds of milliseconds, 4 MiB for 50 to
        // 100 on a busy machine.
        .handler(BodyHandler.create(false).setBodyLimit(bodyLimit))
        .handler(this::submitBatch);
    router.get("/tasks").handler(this::list);
    router.get("/tasks/:id").handler(this::get);
    router.get("/tasks/:id/result").handler(this::result);
    router.post("/tasks/:id/cancel").handler(this::cancel);
    router.post("/tasks/:id/retry").handler(this::retry);
  }

  /**
   * 202 with the new task, once committed; 200 with the existing one when its unique key was
   * submitted before.
   */
  private void submit(RoutingContext ctx) {
    String key = ctx.request().getHeader(IDEMPOTENCY_KEY);
    traceparent(ctx)
        .compose(
            traceparent ->
                submitter.withKnownKinds(
                    () -> fromBody(ctx, body -> submitter.parse(body, key, traceparent))))
        .compose(submitter::submit)
        .onSuccess(
            submitted ->
                TaskJson.answerSubmitted(ctx, submitted.created() ? 202 : 200, submitted.task()))
        .onFailure(ctx::fail);
  }

  /** One statement for the whole batch; 202 with the ids in the order given. */
  private void submitBatch(RoutingContext ctx) {
    String key = ctx.request().getHeader(IDEMPOTENCY_KEY);
    traceparent(ctx)
        .compose(
            traceparent ->
                submitter.withKnownKinds(
                    () -> fromBody(ctx, body -> submitter.prepareBatch(body, key, traceparent))))
        .compose(submitter::submitBatch)
        .onSuccess(
            ids -> {
              JsonArray idTexts = new JsonArray();
              ids.forEach(id -> idTexts.add(id.toString()));
              ctx.response().setStatusCode(202);
              ctx.json(new JsonObject().put("ids", idTexts));
            })
        .onFailure(ctx::fail);
  }

  /**
   * The trace the submission joins: read here, on the request's event loop, where its span is
   * current, before the body may be read on a worker thread.
   */
  private static Future<String> traceparent(RoutingContext ctx) {
    try {
      return Future.succeededFuture(
          Traceparents.ofSubmission(ctx.request().getHeader(Traceparents.HEADER)));
    } catch (RuntimeException refused) {
      return Future.failedFuture(refused);
    }
  }

  private <T> Future<T> fromBody(RoutingContext ctx, Function<JsonObject, T> read) {
    return JsonBodies.read(vertx, ctx, read);
  }

  /**
   * 200 with the task cancelled at once (it was waiting); 202 with the task still running when the
   * cancel is pending: its node stops the attempt, and the task ends cancelled (or completed, if
   * its handler finished).
   */
  private void cancel(RoutingContext ctx) {
    UUID id = TaskParams.uuid(ctx.pathParam("id"), "id");
    store
        .cancel(id, clock.instant())
        .compose(
            cancelled ->
                cancelled.isPresent()
                    ? Future.succeededFuture(cancelled.get())
                    : conflictOrNotFound(id, "it is already "))
        .onSuccess(
            task -> {
              ctx.response().setStatusCode(task.state() == TaskState.RUNNING ? 202 : 200);
              ctx.json(TaskJson.of(task));
            })
        .onFailure(ctx::fail);
  }

  private void retry(RoutingContext ctx) {
    UUID id = TaskParams.uuid(ctx.pathParam("id"), "id");
    store
        .retry(id, clock.instant())
        .compose(
            retried ->
                retried.isPresent()
                    ? Future.succeededFuture(retried.get())
                    : conflictOrNotFound(
                        id, "only discarded or cancelled tasks can be retried; it is "))
        .onSuccess(task -> ctx.json(TaskJson.of(task)))
        .onFailure(ctx::fail);
  }

  /**
   * After a refused change: 404 if the task does not exist, else 409 saying what state it is in.
   */
  private Future<Task> conflictOrNotFound(UUID id, String why) {
    return store
        .get(id)
        .compose(
            found ->
                Future.failedFuture(
                    found.isEmpty()
                        ? new ApiError(404, "task_not_found", "no task with id " + id)
                        : new ApiError(
                            409, "task_state_conflict", why + found.get().state().wireName())));
  }

  /**
   * Streams the task's result file (an export, a thumbnail) chunk by chunk, with its content type.
   */
  private void result(RoutingContext ctx) {
    UUID id = TaskParams.uuid(ctx.pathParam("id"), "id");
    files
        .find(id, FileStore.Role.RESULT)
        .onSuccess(
            found -> {
              if (found.isEmpty()) {
                ctx.fail(
                    new ApiError(
                        404, "result_not_found", "task " + id + " has no result file (yet)"));
                return;
              }
              StoredFile file = found.get();
              ctx.response()
                  .putHeader("content-type", file.contentType())
                  .putHeader("content-length", String.valueOf(file.size()))
                  .putHeader(
                      "content-disposition",
                      "attachment; filename=\"" + id + extension(file.contentType()) + "\"");
              sendChunks(ctx, file, 0);
            })
        .onFailure(ctx::fail);
  }

  /** One chunk at a time, the next once the response has taken the previous: memory stays flat. */
  private void sendChunks(RoutingContext ctx, StoredFile file, int seq) {
    files
        .chunk(file.id(), seq)
        .onSuccess(
            chunk -> {
              if (chunk == null) {
                ctx.response().end();
                return;
              }
              ctx.response()
                  .write(chunk)
                  .onSuccess(written -> sendChunks(ctx, file, seq + 1))
                  .onFailure(failure -> ctx.response().reset());
            })
        .onFailure(failure -> ctx.response().reset());
  }

  private static String extension(String contentType) {
    return switch (contentType) {
      case "text/csv" -> ".csv";
      case "application/x-ndjson" -> ".ndjson";
      case "image/png" -> ".png";
      case "image/jpeg" -> ".jpg";
      default -> "";
    };
  }

  private void get(RoutingContext ctx) {
    UUID id = TaskParams.uuid(ctx.pathParam("id"), "id");
    store
        .get(id)
        .onSuccess(
            found -> {
              if (found.isEmpty()) {
                ctx.fail(new ApiError(404, "task_not_found", "no task with id " + id));
              } else {
                ctx.json(TaskJson.of(found.get()));
              }
            })
        .onFailure(ctx::fail);
  }

  /**
   * A page of the task list, newest first. With {@code q}, a bounded search (see TaskStore.search):
   * a task id finds that task alone; other text, the tasks whose unique key it is or whose args
   * contain it, light fields only.
   */
  private void list(RoutingContext ctx) {
    String state = ctx.queryParams().get("state");
    String after = ctx.queryParams().get("after");
    String text = TaskParams.filterText(ctx, "q");
    HeavyFields fields = TaskParams.fields(ctx.queryParams().getAll("fields"));
    if (text != null && (text.isEmpty() || text.length() > MAX_SEARCH_TEXT)) {
      throw ApiError.badRequest(
          "invalid_query", "q must be 1 to " + MAX_SEARCH_TEXT + " characters long");
    }
    if (text != null && !fields.equals(HeavyFields.NONE)) {
      throw ApiError.badRequest(
          "invalid_query", "a search (q) returns light fields only: leave fields out");
    }
    Instant createdAfter =
        TaskParams.instant(
            ctx.queryParams().get("created_after"), "created_after", "invalid_query");
    Instant createdBefore =
        TaskParams.instant(
            ctx.queryParams().get("created_before"), "created_before", "invalid_query");
    TaskFilter filter =
        new TaskFilter(
            state == null ? null : TaskParams.state(state, "invalid_query"),
            TaskParams.filterText(ctx, "kind"),
            TaskParams.filterText(ctx, "queue"),
            after == null ? null : TaskParams.uuid(after, "after"),
            limit(ctx.queryParams().get("limit")),
            fields,
            new CreatedRange(createdAfter, createdBefore),
            text);
    Future<TaskPage> page =
        TaskParams.isUuid(text)
            ? store
                .get(UUID.fromString(text))
                .map(found -> new TaskPage(found.stream().toList(), null))
            : store.list(filter);
    page.onSuccess(found -> ctx.json(TaskJson.of(found, filter.fields()))).onFailure(ctx::fail);
  }

  private static int limit(String text) {
    if (text == null) {
      return DEFAULT_LIMIT;
    }
    if (!text.matches("\\d{1,4}")
        || Integer.parseInt(text) < 1
        || Integer.parseInt(text) > MAX_LIMIT) {
      throw ApiError.badRequest("invalid_query", "limit must be an integer from 1 to " + MAX_LIMIT);
    }
    return Integer.parseInt(text);
  }
}

package dev.offload.http;

import dev.offload.dispatch.Addresses;
import dev.offload.store.DatabaseStatus;
import dev.offload.store.TaskFilter;
import dev.offload.store.TaskStore;
import dev.offload.task.NewTask;
import dev.offload.task.TaskState;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.UUID;
import java.util.regex.Pattern;

/** {@code /tasks}: submit a task, read one, list them. Task code never runs here. */
final class TaskRoutes {

  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 1_000;

  private final Vertx vertx;
  private final TaskStore store;
  private final Submissions submissions;
  private final DatabaseStatus database;
  private final Clock clock;
  private final int bodyLimit;

  TaskRoutes(Vertx vertx, TaskStore store, Submissions submissions, DatabaseStatus database, Clock clock,
      int bodyLimit) {
    this.vertx = vertx;
    this.store = store;
    this.submissions = submissions;
    this.database = database;
    this.clock = clock;
    this.bodyLimit = bodyLimit;
  }

  void mount(Router router) {
    router.route("/tasks*").handler(this::requireDatabase);
    router.post("/tasks").handler(BodyHandler.create(false).setBodyLimit(bodyLimit)).handler(this::submit);
    router.get("/tasks").handler(this::list);
    router.get("/tasks/:id").handler(this::get);
  }

  private void requireDatabase(RoutingContext ctx) {
    if (!database.isReady()) {
      throw new ApiError(503, "database_unavailable",
          "the database is not ready yet (" + database.lastFailure() + "); try again shortly");
    }
    ctx.next();
  }

  private void submit(RoutingContext ctx) {
    NewTask task = submissions.parse(jsonBody(ctx), clock.instant());
    store.insert(task, clock.instant()).onSuccess(created -> {
      // Committed: answer, and wake this node's dispatcher without waiting for the NOTIFY round trip.
      vertx.eventBus().send(Addresses.DISPATCHER_WAKE, null);
      ctx.response().setStatusCode(202).putHeader("location", "/tasks/" + created.id());
      ctx.json(TaskJson.of(created));
    }).onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    UUID id = uuid(ctx.pathParam("id"), "id");
    store.get(id).onSuccess(found -> {
      if (found.isEmpty()) {
        ctx.fail(new ApiError(404, "task_not_found", "no task with id " + id));
      } else {
        ctx.json(TaskJson.of(found.get()));
      }
    }).onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    String state = ctx.queryParams().get("state");
    String after = ctx.queryParams().get("after");
    TaskFilter filter = new TaskFilter(
        state == null ? null : TaskState.fromWireName(state).orElseThrow(() -> ApiError.badRequest(
            "invalid_query", "state must be one of " + TaskState.wireNames())),
        filterText(ctx, "kind"),
        filterText(ctx, "queue"),
        after == null ? null : uuid(after, "after"),
        limit(ctx.queryParams().get("limit")));
    store.list(filter).onSuccess(page -> ctx.json(TaskJson.of(page))).onFailure(ctx::fail);
  }

  /** PostgreSQL text cannot hold U+0000; such a filter is the client's 400, not a failed query. */
  private static String filterText(RoutingContext ctx, String name) {
    String value = ctx.queryParams().get(name);
    if (value != null && value.indexOf('\u0000') >= 0) {
      throw ApiError.badRequest("invalid_query", name + " must not contain the character U+0000");
    }
    return value;
  }

  private static JsonObject jsonBody(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body == null) {
        throw ApiError.badRequest("invalid_json", "the body must be a JSON object");
      }
      return body;
    } catch (DecodeException | ClassCastException e) {
      throw ApiError.badRequest("invalid_json", "the body must be a JSON object");
    }
  }

  private static UUID uuid(String text, String name) {
    if (!UUID_TEXT.matcher(text).matches()) {
      throw ApiError.badRequest("invalid_id", name + " must be a task id (a UUID), got '" + text + "'");
    }
    return UUID.fromString(text);
  }

  private static int limit(String text) {
    if (text == null) {
      return DEFAULT_LIMIT;
    }
    if (!text.matches("\\d{1,4}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > MAX_LIMIT) {
      throw ApiError.badRequest("invalid_query", "limit must be an integer from 1 to " + MAX_LIMIT);
    }
    return Integer.parseInt(text);
  }
}

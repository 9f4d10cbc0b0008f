package dev.offload.http;

import dev.offload.api.ApiError;
import dev.offload.api.JsonBodies;
import dev.offload.api.TaskParams;
import dev.offload.store.BulkFilter;
import dev.offload.store.CreatedRange;
import dev.offload.store.TaskStore;
import dev.offload.task.TaskState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * Bulk cancel and retry ({@code POST /tasks/cancel}, {@code POST /tasks/retry}), by a list of ids
 * or by a filter, answering how many tasks changed; and {@code DELETE /tasks/{id}} of a final task.
 * A filter is worked through {@value TaskStore#BULK_CHUNK} tasks at a time, each chunk a statement
 * of its own (see TaskStore), so no statement locks more than a chunk.
 */
final class TaskBulkRoutes {

  /** Bodies hold at most 1,000 ids of 36 characters: 64 KiB is plenty. */
  private static final int BODY_LIMIT = 64 * 1024;

  private static final Set<String> BODY_FIELDS = Set.of("ids", "filter");
  private static final Set<String> FILTER_FIELDS =
      Set.of("state", "kind", "queue", "created_after", "created_before");

  private final TaskStore store;
  private final Clock clock;

  TaskBulkRoutes(TaskStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Before TaskRoutes' {@code /tasks/:id} routes, which these paths do not match anyway. */
  void mount(Router router) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(BODY_LIMIT);
    router
        .post("/tasks/cancel")
        .handler(body)
        .handler(ctx -> change(ctx, store::cancel, store::cancel));
    router
        .post("/tasks/retry")
        .handler(body)
        .handler(ctx -> change(ctx, store::retry, store::retry));
    router.delete("/tasks/:id").handler(this::delete);
  }

  /** Changes tasks by ids or by filter, as the body says; answers how many changed. */
  private void change(
      RoutingContext ctx,
      BiFunction<List<UUID>, Instant, Future<Integer>> byIds,
      BiFunction<BulkFilter, Instant, Future<Integer>> byFilter) {
    JsonObject body = JsonBodies.object(ctx);
    for (String field : body.fieldNames()) {
      if (!BODY_FIELDS.contains(field)) {
        throw invalid("unknown field '" + field + "'; give either ids or filter");
      }
    }
    if (body.containsKey("ids") == body.containsKey("filter")) {
      throw invalid("give either ids (a list of 1 to 1000 task ids) or filter, not both");
    }
    Instant now = clock.instant();
    Future<Integer> changed =
        body.containsKey("ids")
            ? byIds.apply(ids(body.getValue("ids")), now)
            : byFilter.apply(filter(body.getValue("filter")), now);
    changed
        .onSuccess(count -> ctx.json(new JsonObject().put("changed", count)))
        .onFailure(ctx::fail);
  }

  private static List<UUID> ids(Object value) {
    if (!(value instanceof JsonArray array)
        || array.isEmpty()
        || array.size() > TaskStore.BULK_CHUNK) {
      throw invalid("ids must be a list of 1 to " + TaskStore.BULK_CHUNK + " task ids");
    }
    Set<UUID> ids = new LinkedHashSet<>();
    for (Object id : array) {
      if (!(id instanceof String text) || !TaskParams.isUuid(text)) {
        throw invalid("ids must hold task ids (UUIDs), got " + id);
      }
      ids.add(UUID.fromString(text));
    }
    return new ArrayList<>(ids);
  }

  private static BulkFilter filter(Object value) {
    if (!(value instanceof JsonObject filter) || filter.isEmpty()) {
      throw invalid(
          "filter must be an object with at least one of state, kind, queue, created_after,"
              + " created_before");
    }
    for (String field : filter.fieldNames()) {
      if (!FILTER_FIELDS.contains(field)) {
        throw invalid(
            "unknown filter field '" + field + "'; allowed: " + String.join(", ", FILTER_FIELDS));
      }
    }
    Set<TaskState> states = EnumSet.noneOf(TaskState.class);
    Object stateValue = filter.getValue("state");
    if (stateValue instanceof String one) {
      states.add(TaskParams.state(one, "invalid_field"));
    } else if (stateValue instanceof JsonArray many && !many.isEmpty()) {
      for (Object state : many) {
        if (!(state instanceof String name)) {
          throw invalid("filter.state must be a state or a list of states");
        }
        states.add(TaskParams.state(name, "invalid_field"));
      }
    } else if (filter.containsKey("state")) {
      throw invalid("filter.state must be a state or a non-empty list of states");
    }
    return new BulkFilter(
        states,
        text(filter, "kind"),
        text(filter, "queue"),
        new CreatedRange(
            TaskParams.instant(
                text(filter, "created_after"), "filter.created_after", "invalid_field"),
            TaskParams.instant(
                text(filter, "created_before"), "filter.created_before", "invalid_field")));
  }

  private static String text(JsonObject filter, String field) {
    Object value = filter.getValue(field);
    if (value != null && !(value instanceof String)) {
      throw invalid("filter." + field + " must be a string");
    }
    return TaskParams.text((String) value, "filter." + field, "invalid_field");
  }

  /** 204 once a final task is deleted; 409 for a task that is not final, 404 for none. */
  private void delete(RoutingContext ctx) {
    UUID id = TaskParams.uuid(ctx.pathParam("id"), "id");
    store
        .deleteFinal(id)
        .compose(deleted -> deleted ? Future.succeededFuture() : conflictOrNotFound(id))
        .onSuccess(deleted -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private Future<Void> conflictOrNotFound(UUID id) {
    return store
        .get(id)
        .compose(
            found ->
                Future.failedFuture(
                    found.isEmpty()
                        ? new ApiError(404, "task_not_found", "no task with id " + id)
                        : new ApiError(
                            409,
                            "task_state_conflict",
                            "only a final task can be deleted; it is "
                                + found.get().state().wireName())));
  }

  private static ApiError invalid(String message) {
    return ApiError.badRequest("invalid_field", message);
  }
}

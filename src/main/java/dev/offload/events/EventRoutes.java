package dev.offload.events;

import dev.offload.api.ApiError;
import dev.offload.api.RequireDatabase;
import dev.offload.api.TaskParams;
import dev.offload.store.DatabaseStatus;
import dev.offload.store.TaskFilter.HeavyFields;
import dev.offload.store.TaskStore;
import dev.offload.task.Task;
import dev.offload.task.TaskState;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * The event streams (text/event-stream): {@code GET /tasks/{id}/events}, one task until it is
 * final, and {@code GET /events}, every task change that matches a filter. See docs/api.md, Events.
 */
public final class EventRoutes {

  private static final String LAST_EVENT_ID = "last-event-id";

  private final EventStreams streams;
  private final TaskStore tasks;
  private final DatabaseStatus database;
  private final Clock clock;

  public EventRoutes(EventStreams streams, TaskStore tasks, DatabaseStatus database, Clock clock) {
    this.streams = streams;
    this.tasks = tasks;
    this.database = database;
    this.clock = clock;
  }

  public void mount(Router router) {
    // GET /tasks/:id/events is under /tasks*, whose routes need the database already.
    router.get("/tasks/:id/events").handler(this::taskEvents);
    router.get("/events").handler(new RequireDatabase(database)).handler(this::events);
  }

  /**
   * The stream is registered before the task is read, so no change after the read is missed; a task
   * that does not exist is a 404 before any byte of the stream. A reconnect gets the current state
   * again, which is all it needs.
   */
  private void taskEvents(RoutingContext ctx) {
    UUID id = TaskParams.uuid(ctx.pathParam("id"), "id");
    HeavyFields fields = TaskParams.fields(ctx.queryParams().getAll("fields"));
    HttpServerResponse response = ctx.response();
    TaskStream stream =
        new TaskStream(
            response, id, fields, taskId -> tasks.get(taskId).map(found -> found.orElse(null)));
    streams.add(stream);
    tasks
        .get(id)
        .onSuccess(
            found -> {
              if (found.isEmpty()) {
                stream.closedByClient();
                ctx.fail(new ApiError(404, "task_not_found", "no task with id " + id));
                return;
              }
              open(ctx, stream);
              Task task = found.get();
              stream.start(EventIds.micros(clock.instant()), task);
            })
        .onFailure(
            failure -> {
              stream.closedByClient();
              ctx.fail(failure);
            });
  }

  private void events(RoutingContext ctx) {
    String queue = TaskParams.filterText(ctx, "queue");
    String kind = TaskParams.filterText(ctx, "kind");
    Set<TaskState> states = TaskParams.states(ctx.queryParams().getAll("state"));
    String lastEventId = ctx.request().getHeader(LAST_EVENT_ID);
    Instant lastEventAt = EventIds.parse(lastEventId);
    if (lastEventId != null && lastEventAt == null) {
      throw ApiError.badRequest(
          "invalid_header",
          "Last-Event-ID must be an event id this API sent, got '" + lastEventId + "'");
    }
    FilteredStream stream = new FilteredStream(ctx.response(), queue, kind, states);
    open(ctx, stream);
    streams.add(stream);
    if (lastEventAt != null) {
      Instant since = streams.replayFrom(lastEventAt);
      if (since == null) {
        stream.write(EventFrames.reset("the last event is older than the replay window"));
      } else {
        streams.replay(stream, since);
      }
    }
  }

  private static void open(RoutingContext ctx, EventStream stream) {
    HttpServerResponse response = ctx.response();
    response
        .setChunked(true)
        .setWriteQueueMaxSize(EventStream.WRITE_QUEUE_BYTES)
        .putHeader("content-type", "text/event-stream; charset=utf-8")
        .putHeader("cache-control", "no-cache")
        // Proxies such as nginx would otherwise hold the events back.
        .putHeader("x-accel-buffering", "no");
    response.closeHandler(closed -> stream.closedByClient());
    response.exceptionHandler(failed -> stream.closedByClient());
    response.write(EventFrames.RETRY);
    stream.opened();
  }
}

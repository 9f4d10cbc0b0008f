package dev.offload.workers;

import dev.offload.api.ApiError;
import dev.offload.api.JsonBodies;
import dev.offload.api.RequireDatabase;
import dev.offload.config.OffloadConfig;
import dev.offload.dispatch.Addresses;
import dev.offload.dispatch.ClaimedAttempts;
import dev.offload.dispatch.RemoteClaim;
import dev.offload.dispatch.RemoteReport;
import dev.offload.dispatch.RemoteReports;
import dev.offload.store.DatabaseStatus;
import dev.offload.store.LeaseRenewal;
import dev.offload.store.RemoteAttempt;
import dev.offload.store.RemoteWorker;
import dev.offload.store.WorkerStore;
import dev.offload.submit.RemoteKinds;
import dev.offload.task.TaskHandlers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The remote worker protocol (docs/workers.md): {@code /workers} to register, list and forget
 * workers, {@code /workers/{id}/...} for what a worker does (claim by long poll, heartbeat,
 * progress, complete, fail, release, batched outcomes), and {@code /kinds}. Claims and reports go
 * to this node's dispatcher over the local event bus, which claims and writes outcomes as it does
 * for local attempts; a waiting claim holds nothing here but its request. Heartbeats, listings and
 * registrations go to the store.
 */
public final class WorkerRoutes {

  /** Workers not seen for this long are forgotten (their rows deleted) at the next registration. */
  private static final Duration FORGET_AFTER = Duration.ofDays(1);

  /** A claim's answer comes by its wait; this is the margin before the event bus gives up. */
  private static final long ANSWER_MARGIN_MS = 30_000;

  private final Vertx vertx;
  private final WorkerStore store;
  private final WorkerDirectory directory;
  private final RemoteKinds remoteKinds;
  private final TaskHandlers local;
  private final DatabaseStatus database;
  private final Clock clock;
  private final String nodeId;
  private final Duration lease;
  private final Duration heartbeatInterval;
  private final Duration longestWait;
  private final int payloadLimit;
  private final int bodyLimit;

  public WorkerRoutes(
      Vertx vertx,
      WorkerStore store,
      WorkerDirectory directory,
      RemoteKinds remoteKinds,
      TaskHandlers local,
      DatabaseStatus database,
      OffloadConfig config,
      Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.directory = directory;
    this.remoteKinds = remoteKinds;
    this.local = local;
    this.database = database;
    this.clock = clock;
    this.nodeId = config.nodeId();
    this.lease = config.tasks().lease();
    this.heartbeatInterval = heartbeatInterval(lease);
    // The connection's idle timeout would end a longer wait, answer or not.
    this.longestWait =
        min(
            WorkerInput.MAX_WAIT,
            config.http().connections().idleTimeout().minusSeconds(1).isNegative()
                ? Duration.ZERO
                : config.http().connections().idleTimeout().minusSeconds(1));
    this.payloadLimit = config.tasks().payloadLimit();
    this.bodyLimit = config.http().bodyLimit();
  }

  /** How often workers are told to heartbeat: a third of the lease, so two may fail. */
  public static Duration heartbeatInterval(Duration lease) {
    return lease.dividedBy(3);
  }

  public void mount(Router router) {
    RequireDatabase requireDatabase = new RequireDatabase(database);
    router.route("/workers*").handler(requireDatabase); // also matches /workers itself
    router.route("/kinds").handler(requireDatabase);
    router.post("/workers").handler(body()).handler(this::register);
    router.get("/workers").handler(this::list);
    router.delete("/workers/:id").handler(this::unregister);
    router.get("/kinds").handler(this::kinds);
    router.post("/workers/:id/claim").handler(body()).handler(this::claim);
    router.post("/workers/:id/heartbeat").handler(body()).handler(this::heartbeat);
    router
        .post("/workers/:id/progress")
        .handler(body())
        .handler(ctx -> reportOne(ctx, WorkerInput::progress));
    router
        .post("/workers/:id/complete")
        .handler(body())
        .handler(ctx -> reportOne(ctx, single(RemoteReport.Type.COMPLETE)));
    router
        .post("/workers/:id/fail")
        .handler(body())
        .handler(ctx -> reportOne(ctx, single(RemoteReport.Type.FAIL)));
    router
        .post("/workers/:id/release")
        .handler(body())
        .handler(ctx -> reportOne(ctx, single(RemoteReport.Type.RELEASE)));
    router.post("/workers/:id/outcomes").handler(body()).handler(this::outcomes);
  }

  private BodyHandler body() {
    return BodyHandler.create(false).setBodyLimit(bodyLimit);
  }

  /** 201 with the worker's id, its lease and how often to heartbeat. */
  private void register(RoutingContext ctx) {
    JsonBodies.read(vertx, ctx, body -> Registration.of(body, local))
        .compose(
            registration -> {
              Instant now = clock.instant();
              RemoteWorker worker =
                  new RemoteWorker(
                      UUID.randomUUID(),
                      registration.name(),
                      registration.kinds(),
                      registration.queues(),
                      registration.concurrency(),
                      nodeId,
                      now,
                      now,
                      0);
              return store
                  .register(worker, registration.schemas(), now.minus(FORGET_AFTER))
                  // Submissions to this node know the kinds once the worker hears it is registered.
                  .compose(registered -> remoteKinds.load())
                  .map(loaded -> worker);
            })
        .onSuccess(
            worker -> {
              directory.registered(worker);
              ctx.response().setStatusCode(201);
              ctx.json(WorkerJson.registered(worker, lease, heartbeatInterval));
            })
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    store
        .live(clock.instant().minus(directory.liveFor()))
        .onSuccess(
            workers -> {
              JsonArray json = new JsonArray();
              workers.forEach(worker -> json.add(WorkerJson.worker(worker)));
              ctx.json(new JsonObject().put("workers", json));
            })
        .onFailure(ctx::fail);
  }

  /** 204; the attempts the worker held are handed back, not counted. */
  private void unregister(RoutingContext ctx) {
    UUID id;
    try {
      id = UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      ctx.fail(notFound(ctx.pathParam("id")));
      return;
    }
    store
        .delete(id)
        .compose(
            deleted -> {
              if (!deleted) {
                return Future.failedFuture(notFound(id.toString()));
              }
              directory.forget(id);
              return store.leasesOf(id);
            })
        .compose(
            leases -> {
              List<RemoteReport> releases = new ArrayList<>();
              leases.forEach((task, token) -> releases.add(RemoteReport.release(task, token)));
              // On a node that runs no tasks, the lease rescue brings them back instead.
              return releases.isEmpty()
                  ? Future.succeededFuture()
                  : report(releases).otherwiseEmpty();
            })
        .onSuccess(released -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  /** Every kind: this node's own, then those of remote workers with their live workers. */
  private void kinds(RoutingContext ctx) {
    Instant liveSince = clock.instant().minus(directory.liveFor());
    Future.all(store.kinds(), store.live(liveSince))
        .onSuccess(
            both -> {
              JsonArray kinds = new JsonArray();
              for (String kind : local.kinds()) {
                kinds.add(
                    new JsonObject()
                        .put("kind", kind)
                        .put("local", true)
                        .put("args_schema", null)
                        .put("workers", new JsonArray()));
              }
              List<RemoteWorker> live = both.resultAt(1);
              List<dev.offload.store.RemoteKindRow> remote = both.resultAt(0);
              for (var kind : remote) {
                JsonArray workers = new JsonArray();
                live.stream()
                    .filter(worker -> worker.kinds().contains(kind.kind()))
                    .forEach(worker -> workers.add(WorkerJson.workerOfKind(worker)));
                kinds.add(
                    new JsonObject()
                        .put("kind", kind.kind())
                        .put("local", false)
                        .put("args_schema", kind.argsSchema())
                        .put("workers", workers));
              }
              ctx.json(new JsonObject().put("kinds", kinds));
            })
        .onFailure(ctx::fail);
  }

  /**
   * The long poll: 200 with the attempts claimed for the worker, at once if tasks are due, else
   * when some fall due, else after its wait with none. If the client goes away meanwhile, the claim
   * ends, and whatever was claimed for it is handed back.
   */
  private void claim(RoutingContext ctx) {
    JsonBodies.read(vertx, ctx, WorkerInput::claim)
        .compose(
            claim ->
                directory
                    .live(ctx.pathParam("id"))
                    .compose(worker -> waitForAttempts(ctx, worker, claim)))
        .onSuccess(
            attempts -> {
              if (ctx.response().closed() || ctx.response().ended()) {
                handBack(attempts);
                return;
              }
              JsonArray json = new JsonArray();
              attempts.forEach(attempt -> json.add(WorkerJson.attempt(attempt)));
              ctx.json(new JsonObject().put("attempts", json));
            })
        .onFailure(ctx::fail);
  }

  private Future<List<RemoteAttempt>> waitForAttempts(
      RoutingContext ctx, RemoteWorker worker, WorkerInput.Claim claim) {
    RemoteClaim request =
        new RemoteClaim(UUID.randomUUID(), worker, claim.max(), min(claim.waitFor(), longestWait));
    ctx.response()
        .closeHandler(
            closed ->
                vertx
                    .eventBus()
                    .send(
                        Addresses.REMOTE_CLAIM, new RemoteClaim.Cancel(worker.id(), request.id())));
    return vertx
        .eventBus()
        .<ClaimedAttempts>request(
            Addresses.REMOTE_CLAIM,
            request,
            new DeliveryOptions().setSendTimeout(request.waitFor().toMillis() + ANSWER_MARGIN_MS))
        .recover(WorkerRoutes::noDispatcher)
        .map(answer -> answer.body().attempts());
  }

  private void handBack(List<RemoteAttempt> attempts) {
    if (!attempts.isEmpty()) {
      report(
          attempts.stream()
              .map(attempt -> RemoteReport.release(attempt.task().id(), attempt.leaseToken()))
              .toList());
    }
  }

  /** 200 with each lease: renewed (and whether its task's cancel was requested), or lost. */
  private void heartbeat(RoutingContext ctx) {
    JsonBodies.read(vertx, ctx, WorkerInput::heartbeat)
        .compose(
            leases ->
                directory
                    .known(ctx.pathParam("id"))
                    .compose(
                        worker -> {
                          Map<UUID, UUID> held = new HashMap<>();
                          leases.forEach(lease -> held.put(lease.taskId(), lease.token()));
                          Instant now = clock.instant();
                          return store.renew(worker.id(), held, now, now.plus(lease));
                        })
                    .map(
                        renewed -> {
                          Map<UUID, LeaseRenewal> byToken = new HashMap<>();
                          renewed.forEach(renewal -> byToken.put(renewal.leaseToken(), renewal));
                          JsonArray json = new JsonArray();
                          for (LeaseTokens.Lease lease : leases) {
                            LeaseRenewal renewal = byToken.get(lease.token());
                            json.add(
                                WorkerJson.lease(
                                    LeaseTokens.encode(lease.taskId(), lease.token()),
                                    renewal != null && renewal.taskId().equals(lease.taskId())
                                        ? renewal
                                        : null));
                          }
                          return new JsonObject().put("leases", json);
                        }))
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  private Function<JsonObject, RemoteReport> single(RemoteReport.Type type) {
    return body -> WorkerInput.single(type, body, payloadLimit);
  }

  /** 204 once taken; 409 stale_lease if the token no longer holds the attempt. */
  private void reportOne(RoutingContext ctx, Function<JsonObject, RemoteReport> read) {
    JsonBodies.read(vertx, ctx, read)
        .compose(
            report ->
                directory.known(ctx.pathParam("id")).compose(worker -> report(List.of(report))))
        .onSuccess(
            taken -> {
              if (taken.get(0)) {
                ctx.response().setStatusCode(204).end();
              } else {
                ctx.fail(staleLease());
              }
            })
        .onFailure(ctx::fail);
  }

  /** 200 with each outcome's status, in order: one bad outcome does not fail the others. */
  private void outcomes(RoutingContext ctx) {
    JsonBodies.read(vertx, ctx, body -> readOutcomes(WorkerInput.outcomes(body)))
        .compose(
            read ->
                directory
                    .known(ctx.pathParam("id"))
                    .compose(
                        worker ->
                            read.reports().isEmpty()
                                ? Future.succeededFuture(List.<Boolean>of())
                                : report(read.reports()))
                    .map(taken -> read.answers(taken)))
        .onSuccess(answers -> ctx.json(new JsonObject().put("outcomes", answers)))
        .onFailure(ctx::fail);
  }

  private ReadOutcomes readOutcomes(JsonArray outcomes) {
    List<Object> items = new ArrayList<>(outcomes.size());
    List<RemoteReport> reports = new ArrayList<>();
    for (int i = 0; i < outcomes.size(); i++) {
      try {
        RemoteReport report =
            WorkerInput.batched(outcomes.getValue(i), payloadLimit, "outcomes[" + i + "].");
        items.add(report);
        reports.add(report);
      } catch (ApiError refused) {
        items.add(refused);
      }
    }
    return new ReadOutcomes(outcomes, items, reports);
  }

  /** A batch read: each item a report to send or the error to answer, the reports in order. */
  private record ReadOutcomes(JsonArray given, List<Object> items, List<RemoteReport> reports) {

    JsonArray answers(List<Boolean> taken) {
      JsonArray answers = new JsonArray();
      int next = 0;
      for (int i = 0; i < items.size(); i++) {
        Object token =
            given.getValue(i) instanceof JsonObject outcome
                ? outcome.getValue("lease_token")
                : null;
        JsonObject answer =
            new JsonObject().put("lease_token", token instanceof String text ? text : null);
        if (items.get(i) instanceof ApiError refused) {
          answer.put("status", refused.status()).put("error", error(refused));
        } else if (taken.get(next++)) {
          answer.put("status", 204);
        } else {
          answer.put("status", 409).put("error", error(staleLease()));
        }
        answers.add(answer);
      }
      return answers;
    }

    private static JsonObject error(ApiError error) {
      return new JsonObject().put("code", error.code()).put("message", error.getMessage());
    }
  }

  /** Sends reports to this node's dispatcher; completes with whether each was taken. */
  private Future<List<Boolean>> report(List<RemoteReport> reports) {
    return vertx
        .eventBus()
        .<RemoteReports.Taken>request(Addresses.REMOTE_REPORT, new RemoteReports(reports))
        .recover(WorkerRoutes::noDispatcher)
        .map(answer -> answer.body().taken());
  }

  private static <T> Future<T> noDispatcher(Throwable failure) {
    if (failure instanceof ReplyException e && e.failureType() == ReplyFailure.NO_HANDLERS) {
      return Future.failedFuture(
          new ApiError(
              503,
              "no_dispatcher",
              "this node runs no tasks (node.role is api): connect workers to a node that does"));
    }
    return Future.failedFuture(failure);
  }

  static ApiError staleLease() {
    return new ApiError(
        409,
        "stale_lease",
        "the lease token no longer holds this attempt (its lease expired, or the attempt ended,"
            + " timed out or was handed back): stop working on it");
  }

  private static ApiError notFound(String id) {
    return new ApiError(404, "worker_not_found", "no live worker with id " + id);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}

package dev.offload.workers;

import dev.offload.api.ApiError;
import dev.offload.store.RemoteWorker;
import dev.offload.store.WorkerStore;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registered workers this node serves, and their liveness: a worker is live while it has called
 * any of its routes within {@code liveFor}. Each call moves its {@code last_seen_at} along, but at
 * most once per {@code touchEvery} per worker and node: between those writes the worker is taken
 * from this node's memory. One per node, used from every HTTP event loop.
 */
public final class WorkerDirectory {

  private record Seen(RemoteWorker worker, Instant at) {}

  private final WorkerStore store;
  private final Clock clock;
  private final Duration liveFor;
  private final Duration touchEvery;
  private final Map<UUID, Seen> seen = new ConcurrentHashMap<>();

  public WorkerDirectory(WorkerStore store, Clock clock, Duration liveFor, Duration touchEvery) {
    this.store = store;
    this.clock = clock;
    this.liveFor = liveFor;
    this.touchEvery = touchEvery;
  }

  /** How long a worker stays live without a call. */
  Duration liveFor() {
    return liveFor;
  }

  /**
   * The live worker of id {@code idText} (a path parameter), seen now: for a claim, which a worker
   * silent for longer than {@code liveFor} may not make before it registers again.
   *
   * @return failed with 404 worker_not_found if it is unknown or no longer live
   */
  Future<RemoteWorker> live(String idText) {
    return seen(idText, true);
  }

  /**
   * The worker of id {@code idText}, seen now, live or not: for its calls about attempts, which a
   * worker that was silent for a while must still get answers to (409 for those it lost).
   *
   * @return failed with 404 worker_not_found if it is unknown (forgotten, or never registered)
   */
  Future<RemoteWorker> known(String idText) {
    return seen(idText, false);
  }

  private Future<RemoteWorker> seen(String idText, boolean live) {
    UUID id;
    try {
      id = UUID.fromString(idText);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(notFound(idText));
    }
    Instant now = clock.instant();
    Seen known = seen.get(id);
    if (known != null && known.at().plus(touchEvery).isAfter(now)) {
      return Future.succeededFuture(known.worker());
    }
    return store
        .seen(id, now, live ? now.minus(liveFor) : null)
        .compose(
            found -> {
              if (found.isEmpty()) {
                seen.remove(id);
                return Future.failedFuture(notFound(idText));
              }
              seen.put(id, new Seen(found.get(), now));
              return Future.succeededFuture(found.get());
            });
  }

  void registered(RemoteWorker worker) {
    seen.put(worker.id(), new Seen(worker, worker.registeredAt()));
  }

  void forget(UUID id) {
    seen.remove(id);
  }

  private static ApiError notFound(String id) {
    return new ApiError(
        404,
        "worker_not_found",
        "no worker with id " + id + ", or it was silent too long: register again (POST /workers)");
  }
}

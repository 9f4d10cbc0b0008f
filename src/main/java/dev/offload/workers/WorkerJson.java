package dev.offload.workers;

import dev.offload.api.TaskJson;
import dev.offload.store.LeaseRenewal;
import dev.offload.store.RemoteAttempt;
import dev.offload.store.RemoteWorker;
import dev.offload.support.Durations;
import dev.offload.task.Task;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/** The worker routes' answers: workers, attempts and lease renewals as clients see them. */
final class WorkerJson {

  private WorkerJson() {}

  /** The answer to a registration. */
  static JsonObject registered(RemoteWorker worker, Duration lease, Duration heartbeatInterval) {
    return described(worker)
        .put("lease", Durations.format(lease))
        .put("heartbeat_interval", Durations.format(heartbeatInterval));
  }

  /** A worker in {@code GET /workers}. */
  static JsonObject worker(RemoteWorker worker) {
    return described(worker)
        .put("node", worker.node())
        .put("registered_at", worker.registeredAt().toString())
        .put("last_seen_at", worker.lastSeenAt().toString())
        .put("running", worker.running());
  }

  /** What a worker said of itself when it registered, and its id. */
  private static JsonObject described(RemoteWorker worker) {
    return new JsonObject()
        .put("id", worker.id().toString())
        .put("name", worker.name())
        .put("kinds", new JsonArray(worker.kinds()))
        .put("queues", new JsonArray(worker.queues()))
        .put("concurrency", worker.concurrency());
  }

  /** A worker of a kind in {@code GET /kinds}. */
  static JsonObject workerOfKind(RemoteWorker worker) {
    return new JsonObject()
        .put("id", worker.id().toString())
        .put("name", worker.name())
        .put("last_seen_at", worker.lastSeenAt().toString());
  }

  /** An attempt claimed for a worker. */
  static JsonObject attempt(RemoteAttempt attempt) {
    Task task = attempt.task();
    return new JsonObject()
        .put("task", TaskJson.of(task))
        .put("attempt", task.attempt())
        .put("lease_token", LeaseTokens.encode(task.id(), attempt.leaseToken()))
        .put("lease_expires_at", attempt.leaseExpiresAt().toString())
        .put("timeout_at", task.attemptedAt().plus(task.timeout()).toString());
  }

  /** A lease in a heartbeat's answer: renewed, or no longer the worker's ({@code renewal} null). */
  static JsonObject lease(String token, LeaseRenewal renewal) {
    return new JsonObject()
        .put("lease_token", token)
        .put("ok", renewal != null)
        .put("lease_expires_at", renewal == null ? null : renewal.expiresAt().toString())
        .put("cancel_requested", renewal != null && renewal.cancelRequested());
  }
}

package dev.offload.store;

import static dev.offload.store.TaskRows.timestamp;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Remote workers (docs/workers.md) and the kinds they run: registration, liveness, listing, and the
 * lease renewals of their heartbeats. What the dispatcher does to their attempts (claims, outcomes,
 * hand-backs) is {@link AttemptStore}'s.
 */
public final class WorkerStore {

  private final Pool client;
  private final String kindsChannel;

  /**
   * @param kindsChannel where the nodes' kind caches listen for changes
   */
  public WorkerStore(Pool pool, String kindsChannel) {
    this.client = pool;
    this.kindsChannel = kindsChannel;
  }

  /**
   * Registers {@code worker} (its running count is ignored) with the args schemas of its kinds
   * (kind to schema; absent or null: none), forgetting workers not seen since {@code forgetBefore}.
   * Completes once every node's kind cache has been told of new or changed kinds.
   */
  public Future<Void> register(
      RemoteWorker worker, Map<String, JsonObject> schemas, Instant forgetBefore) {
    String[] kinds = worker.kinds().toArray(String[]::new);
    String[] schemaTexts =
        Arrays.stream(kinds)
            .map(kind -> schemas.get(kind) == null ? null : schemas.get(kind).encode())
            .toArray(String[]::new);
    Tuple params =
        Tuple.of(
                worker.id(),
                worker.name(),
                kinds,
                schemaTexts,
                worker.queues().toArray(String[]::new),
                worker.concurrency())
            .addString(worker.node())
            .addOffsetDateTime(timestamp(worker.registeredAt()))
            .addOffsetDateTime(timestamp(forgetBefore));
    return client
        .preparedQuery(WorkerSql.WORKER_REGISTER)
        .execute(params)
        .compose(
            rows ->
                rows.iterator().next().getInteger("changed") == 0
                    ? Future.succeededFuture()
                    : client
                        .preparedQuery(WorkerSql.KIND_NOTIFY)
                        .execute(Tuple.of(kindsChannel))
                        .mapEmpty());
  }

  /** Every remote kind. */
  public Future<List<RemoteKindRow>> kinds() {
    return client
        .preparedQuery(WorkerSql.KIND_LIST)
        .execute()
        .map(
            rows -> {
              List<RemoteKindRow> kinds = new ArrayList<>(rows.size());
              rows.forEach(
                  row ->
                      kinds.add(
                          new RemoteKindRow(
                              row.getString("kind"), (JsonObject) row.getJson("args_schema"))));
              return kinds;
            });
  }

  /**
   * Worker {@code id} seen at {@code now}; empty if unknown, or not seen since {@code liveSince}
   * (null: whenever).
   */
  public Future<Optional<RemoteWorker>> seen(UUID id, Instant now, Instant liveSince) {
    return client
        .preparedQuery(WorkerSql.WORKER_SEEN)
        .execute(Tuple.of(id, timestamp(now), timestamp(liveSince)))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.empty()
                    : Optional.of(worker(rows.iterator().next(), 0)));
  }

  /** The workers seen since {@code liveSince}, each with the attempts it holds. */
  public Future<List<RemoteWorker>> live(Instant liveSince) {
    return client
        .preparedQuery(WorkerSql.WORKER_LIST_LIVE)
        .execute(Tuple.of(timestamp(liveSince)))
        .map(
            rows -> {
              List<RemoteWorker> workers = new ArrayList<>(rows.size());
              rows.forEach(row -> workers.add(worker(row, row.getInteger("running"))));
              return workers;
            });
  }

  /** Forgets worker {@code id}; false if it was unknown. */
  public Future<Boolean> delete(UUID id) {
    return client
        .preparedQuery(WorkerSql.WORKER_DELETE)
        .execute(Tuple.of(id))
        .map(rows -> rows.rowCount() > 0);
  }

  /** The attempts worker {@code id} holds: task id to lease token. */
  public Future<Map<UUID, UUID>> leasesOf(UUID id) {
    return client
        .preparedQuery(WorkerSql.TASK_LEASES_OF_WORKER)
        .execute(Tuple.of(id))
        .map(
            rows -> {
              Map<UUID, UUID> leases = new HashMap<>();
              rows.forEach(row -> leases.put(row.getUUID("id"), row.getUUID("lease_token")));
              return leases;
            });
  }

  /**
   * Renews until {@code expiresAt} the leases that worker {@code workerId} holds (task id to
   * token), unexpired at {@code now}; those it no longer holds are left out.
   */
  public Future<List<LeaseRenewal>> renew(
      UUID workerId, Map<UUID, UUID> leases, Instant now, Instant expiresAt) {
    if (leases.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    UUID[] ids = leases.keySet().toArray(UUID[]::new);
    UUID[] tokens = Arrays.stream(ids).map(leases::get).toArray(UUID[]::new);
    return client
        .preparedQuery(WorkerSql.TASK_RENEW_REMOTE_LEASES)
        .execute(Tuple.of(ids, tokens, timestamp(now), workerId, timestamp(expiresAt)))
        .map(
            rows -> {
              List<LeaseRenewal> renewed = new ArrayList<>(rows.size());
              rows.forEach(
                  row ->
                      renewed.add(
                          new LeaseRenewal(
                              row.getUUID("id"),
                              row.getUUID("lease_token"),
                              row.getOffsetDateTime("lease_expires_at").toInstant(),
                              row.getBoolean("cancel_requested"))));
              return renewed;
            });
  }

  private static RemoteWorker worker(Row row, int running) {
    return new RemoteWorker(
        row.getUUID("id"),
        row.getString("name"),
        List.of(row.getArrayOfStrings("kinds")),
        List.of(row.getArrayOfStrings("queues")),
        row.getInteger("concurrency"),
        row.getString("node"),
        row.getOffsetDateTime("registered_at").toInstant(),
        row.getOffsetDateTime("last_seen_at").toInstant(),
        running);
  }
}

package dev.offload.store;

import static dev.offload.store.TaskRows.timestamp;

import dev.offload.config.DatabaseConfig;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The registry of nodes: heartbeats, the live list, and requests to scale a node's workers. */
public final class NodeStore {

  private final SqlClient client;
  private final String adminChannel;

  public NodeStore(SqlClient client, DatabaseConfig database) {
    this.client = client;
    this.adminChannel = database.adminChannel();
  }

  /** Returns the worker count an admin asked this node for, if any. */
  public Future<Optional<Integer>> heartbeat(
      String nodeId, String role, Instant startedAt, Instant now, int workers) {
    Tuple params = Tuple.of(nodeId, role, timestamp(startedAt), timestamp(now), workers);
    return client
        .preparedQuery(NodeSql.NODE_HEARTBEAT)
        .execute(params)
        .map(rows -> Optional.ofNullable(rows.iterator().next().getInteger("desired_workers")));
  }

  /** Nodes that sent a heartbeat after {@code since}. */
  public Future<List<NodeInfo>> listLive(Instant since) {
    return client
        .preparedQuery(NodeSql.NODE_LIST_LIVE)
        .execute(Tuple.of(timestamp(since)))
        .map(NodeStore::toNodes);
  }

  /** Empty when the node is unknown, not live since {@code liveSince}, or runs no tasks. */
  public Future<Optional<NodeInfo>> setDesiredWorkers(
      String nodeId, int workers, Instant liveSince) {
    Tuple params = Tuple.of(nodeId, workers, timestamp(liveSince), adminChannel);
    return client
        .preparedQuery(NodeSql.NODE_SET_DESIRED_WORKERS)
        .execute(params)
        .map(rows -> toNodes(rows).stream().findFirst());
  }

  public Future<Integer> pruneDead(Instant heartbeatBefore) {
    return client
        .preparedQuery(NodeSql.NODE_PRUNE_DEAD)
        .execute(Tuple.of(timestamp(heartbeatBefore)))
        .map(RowSet::rowCount);
  }

  public Future<Void> delete(String nodeId) {
    return client.preparedQuery(NodeSql.NODE_DELETE).execute(Tuple.of(nodeId)).mapEmpty();
  }

  private static List<NodeInfo> toNodes(RowSet<Row> rows) {
    List<NodeInfo> nodes = new ArrayList<>();
    rows.forEach(
        row ->
            nodes.add(
                new NodeInfo(
                    row.getString("id"),
                    row.getString("role"),
                    row.getOffsetDateTime("started_at").toInstant(),
                    row.getOffsetDateTime("heartbeat_at").toInstant(),
                    row.getInteger("workers"),
                    row.getInteger("desired_workers"),
                    row.getInteger("running_attempts"))));
    return nodes;
  }
}

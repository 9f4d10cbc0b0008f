package dev.offload.fault;

import dev.offload.testing.Eventually;
import dev.offload.testing.NodeProcess;
import dev.offload.testing.PgTestDatabase;
import dev.offload.testing.handlers.RecordingHandler;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Node processes for one fault test: each with the test handlers, reaching PostgreSQL through a
 * {@link PgLink} of its own, and writing its attempts to the test's {@link RunLog}. Closing it
 * kills the nodes and closes the links.
 */
final class FaultCluster implements AutoCloseable {

  /**
   * Settings every node gets: short retries and polls, so that the suite is quick; 4 worker
   * verticles; leases that the tests set.
   */
  private static final Map<String, String> BASE =
      Map.of(
          "OFFLOAD_TASKS_POLL_INTERVAL", "250ms",
          "OFFLOAD_DATABASE_RETRY_INTERVAL", "500ms",
          "OFFLOAD_WORKER_INSTANCES", "4");

  private final PgTestDatabase database;
  private final Vertx vertx;
  private final RunLog runLog;
  private final Map<String, PgLink> links = new LinkedHashMap<>();
  private final Map<String, NodeProcess> nodes = new LinkedHashMap<>();

  FaultCluster(PgTestDatabase database, Vertx vertx) throws IOException {
    this.database = database;
    this.vertx = vertx;
    Path runs = Path.of("target", "fault-runs");
    Files.createDirectories(runs);
    this.runLog = new RunLog(Files.createTempDirectory(runs, "run-"));
  }

  /** Starts node {@code name} with its link up, without waiting for it; see {@link #awaitReady}. */
  NodeProcess launch(String name, Map<String, String> env) throws IOException {
    return launch(name, PgLink.up(vertx), env);
  }

  /** Starts node {@code name} with its link down: its database is away until {@link #restore}. */
  NodeProcess launchWithoutDatabase(String name, Map<String, String> env) throws IOException {
    return launch(name, PgLink.down(vertx), env);
  }

  private NodeProcess launch(String name, PgLink link, Map<String, String> env) throws IOException {
    links.put(name, link);
    Map<String, String> all = new HashMap<>(BASE);
    all.putAll(env);
    all.put("OFFLOAD_DATABASE_URL", link.url());
    all.put(RecordingHandler.RUN_LOG, runLog.fileOf(name).toAbsolutePath().toString());
    NodeProcess node = NodeProcess.launchWithTestHandlers(name, database, all);
    nodes.put(name, node);
    return node;
  }

  /** Waits until every node launched is ready. */
  void awaitReady() throws InterruptedException {
    for (NodeProcess node : nodes.values()) {
      node.awaitReady();
    }
  }

  PgLink link(String node) {
    return links.get(node);
  }

  List<NodeProcess> nodes() {
    return List.copyOf(nodes.values());
  }

  RunLog runLog() {
    return runLog;
  }

  /** Restores every link. */
  void restore() {
    links.values().forEach(PgLink::restore);
  }

  /**
   * PostgreSQL restarting, as the nodes see it (the test must not restart the machine's real
   * server, which other builds share): new connections are closed at once, the nodes' backends are
   * terminated (their statements and transactions roll back, as in a fast shutdown), the links cut;
   * {@code down} later, connections are accepted again.
   */
  void restartPostgres(Duration down) throws InterruptedException {
    links.values().forEach(PgLink::refuse);
    Integer[] ports =
        links.values().stream()
            .flatMap(link -> link.backendPorts().stream())
            .toArray(Integer[]::new);
    database.sql(
        vertx,
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE client_port = ANY($1)",
        (Object) ports);
    links.values().forEach(PgLink::cut);
    Thread.sleep(down.toMillis());
    restore();
  }

  /** Waits until no {@code test.record} task is left waiting or running. */
  void awaitAllFinal(Duration wait) throws InterruptedException {
    Eventually.isTrue("every task final", wait, () -> StoredTask.unfinished(database, vertx) == 0);
  }

  /** Checks the stored tasks and the run log with {@code checker}. */
  SetChecker.Report check(SetChecker checker) {
    return checker.check(StoredTask.readAll(database, vertx), runLog.runs());
  }

  @Override
  public void close() {
    nodes.values().forEach(NodeProcess::close);
    links.values().forEach(PgLink::close);
  }
}

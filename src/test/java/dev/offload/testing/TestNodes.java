package dev.offload.testing;

import dev.offload.OffloadNode;
import dev.offload.config.ConfigLoader;
import dev.offload.config.OffloadConfig;
import dev.offload.task.TaskHandlers;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Starts real Offload nodes in the test's Vert.x, on port 0, against a test schema. */
public final class TestNodes {

  private TestNodes() {
  }

  /**
   * Test defaults: one HTTP instance on a free port, quick polling and retries, no shutdown grace;
   * {@code env} overrides.
   */
  public static OffloadConfig config(PgTestDatabase database, Map<String, String> env) {
    Map<String, String> all = new HashMap<>(Map.of(
        "OFFLOAD_NODE_ID", "test-node",
        "OFFLOAD_HTTP_PORT", "0",
        "OFFLOAD_HTTP_INSTANCES", "1",
        "OFFLOAD_DATABASE_URL", database.config().url(),
        "OFFLOAD_DATABASE_SCHEMA", database.schema(),
        "OFFLOAD_DATABASE_POOL_SIZE", "4",
        "OFFLOAD_DATABASE_RETRY_INTERVAL", "200ms",
        "OFFLOAD_WORKER_INSTANCES", "4",
        "OFFLOAD_TASKS_POLL_INTERVAL", "200ms",
        "OFFLOAD_TASKS_RETRY_BASE", "10ms"));
    // Stopping a test node hands running attempts back at once; tests of the grace set their own.
    all.put("OFFLOAD_NODE_SHUTDOWN_GRACE", "0s");
    all.putAll(env);
    return ConfigLoader.load(Optional.empty(), all);
  }

  /** Starts a node with every handler on the test classpath and waits until its database part is ready. */
  public static OffloadNode startReady(Vertx vertx, OffloadConfig config, Clock clock) throws InterruptedException {
    OffloadNode node = OffloadNode.start(vertx, config, clock, TaskHandlers.discover()).await();
    Eventually.isTrue("the node's database part is ready", node::isDatabaseReady);
    return node;
  }
}

package dev.offload.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.Eventually;
import dev.offload.testing.OffloadNodeExtension;
import dev.offload.testing.Tasks;
import dev.offload.testing.TestNode;
import dev.offload.testing.Timing;
import dev.offload.testing.handlers.ConcurrencyProbeHandler;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Queues with a concurrency limit, per node and over all nodes, on real nodes. */
class QueueLimitsTest {

  @RegisterExtension static final OffloadNodeExtension offload = OffloadNodeExtension.withoutNode();

  @Test
  @Timing
  void a_slow_queue_limited_to_one_attempt_per_node_does_not_starve_the_others() throws Exception {
    ConcurrencyProbeHandler.reset();
    TestNode node =
        offload.start(
            Map.of(
                "OFFLOAD_WORKER_INSTANCES",
                "3",
                "OFFLOAD_QUEUES",
                "{\"slow\": {\"concurrency\": 1}}"));
    node.submitBatch(3, Tasks.probe(600).queue("slow"));
    Eventually.isTrue("one slow task running", () -> running("slow") == 1);

    List<String> fast = node.submitBatch(5, Tasks.noop());
    Eventually.isTrue(
        "all completed",
        Duration.ofSeconds(10),
        () -> offload.countTasks("state = 'completed'") == 8);

    // Counted by the handlers: the database may show a finished attempt as running until its
    // outcome is written, a moment after the next one started.
    assertEquals(
        1,
        ConcurrencyProbeHandler.mostAtOnce(),
        "the slow queue ran more than one attempt at once");
    for (String id : fast) { // they did not wait for the slow queue
      JsonObject done = node.task(id);
      assertTrue(
          Duration.between(
                      Instant.parse(done.getString("created_at")),
                      Instant.parse(done.getString("finalized_at")))
                  .toMillis()
              < 500,
          done.encode());
    }
  }

  @Test
  void a_global_limit_holds_over_several_nodes() throws Exception {
    ConcurrencyProbeHandler.reset();
    String queues = "{\"shared\": {\"global_concurrency\": 2}}";
    TestNode nodeA =
        offload.start(
            Map.of(
                "OFFLOAD_NODE_ID",
                "node-a",
                "OFFLOAD_WORKER_INSTANCES",
                "3",
                "OFFLOAD_QUEUES",
                queues));
    offload.start(
        Map.of(
            "OFFLOAD_NODE_ID",
            "node-b",
            "OFFLOAD_WORKER_INSTANCES",
            "3",
            "OFFLOAD_QUEUES",
            queues));

    nodeA.submitBatch(8, Tasks.probe(300).queue("shared"));
    Eventually.isTrue(
        "all completed",
        Duration.ofSeconds(20),
        () -> offload.countTasks("state = 'completed'") == 8);

    // Counted by the handlers of both nodes (one JVM), every attempt seen, rather than sampled from
    // the table.
    assertEquals(8, offload.countTasks("state = 'completed'"));
    assertEquals(2, ConcurrencyProbeHandler.mostAtOnce());
  }

  private static long running(String queue) {
    return offload.countTasks("state = 'running' AND queue = '" + queue + "'");
  }
}

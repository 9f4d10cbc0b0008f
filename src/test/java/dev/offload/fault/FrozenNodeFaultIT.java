package dev.offload.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.fault.RunLog.Run;
import dev.offload.testing.Eventually;
import dev.offload.testing.NodeProcess;
import dev.offload.testing.OffloadNodeExtension;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node process stopped with SIGSTOP for longer than its lease, then continued: the other node
 * rescues and completes its tasks; the frozen node's outcomes, written late, are rejected and
 * change nothing; no task ends in two final states; and the node works normally afterwards.
 */
@Tag("fault")
class FrozenNodeFaultIT {

  @RegisterExtension static final OffloadNodeExtension offload = OffloadNodeExtension.withoutNode();

  private static final Map<String, String> NODE = Map.of("OFFLOAD_LEASE", "2s");

  /**
   * Each attempt sleeps 2.5 s; one that overran by more than a second (frozen) discards its task,
   * so a late outcome that the database took would show as a discarded task.
   */
  private static final JsonObject ARGS =
      new JsonObject().put("ms", 2_500).put("discard_if_late", true);

  @Test
  void a_node_frozen_past_its_lease_has_its_late_outcomes_rejected_and_nothing_final_twice()
      throws Exception {
    try (FaultCluster cluster = new FaultCluster(offload.database(), offload.vertx())) {
      NodeProcess frozen = cluster.launch("frozen-a", NODE);
      NodeProcess other = cluster.launch("frozen-b", NODE);
      cluster.awaitReady();
      SetChecker checker = new SetChecker().failed(frozen.name());
      new TaskBatch(8, ARGS).submit(other, checker);
      // Each node runs as many attempts as it has workers (4), so both run 4.
      Eventually.isTrue("8 attempts started", () -> cluster.runLog().started() == 8);
      long onFrozen = cluster.runLog().startedOn(frozen.name());

      frozen.freeze();
      cluster.awaitAllFinal(Duration.ofSeconds(30));
      frozen.thaw();

      Eventually.isTrue(
          "the frozen node's late outcomes were sent and rejected",
          () -> frozen.metric("offload_attempt_outcomes_rejected_total") == onFrozen);
      assertEquals(
          onFrozen,
          frozen.metric(
              "offload_attempts_ended_total{kind=\"test.record\",queue=\"default\",state=\"discarded\"}"));

      SetChecker.Report report = cluster.check(checker);
      System.out.println("frozen node: " + report);
      report.assertValid();
      assertEquals(onFrozen, report.ranMoreThanOnce().size(), "its attempts ran again elsewhere");
      for (List<Run> runs : report.ranMoreThanOnce().values()) {
        assertEquals(
            List.of(new Run(1, frozen.name(), true), new Run(2, other.name(), true)),
            runs,
            "each ran on the frozen node, which returned late, then once on the other");
      }

      // Thawed, it claims and runs tasks again: with 8 attempts of 2.5 s at once, the other node's
      // 4 workers cannot take them all.
      new TaskBatch(8, ARGS).submit(other, checker);
      cluster.awaitAllFinal(Duration.ofSeconds(30));
      cluster.check(checker).assertValid();
      assertTrue(
          cluster.runLog().startedOn(frozen.name()) > onFrozen, "the thawed node runs tasks");
    }
  }
}

package dev.offload.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.fault.PgLink.Break;
import dev.offload.store.TaskStatements;
import dev.offload.testing.Eventually;
import dev.offload.testing.NodeProcess;
import dev.offload.testing.OffloadNodeExtension;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The link between one of two node processes and PostgreSQL is cut in the middle of a claim or of
 * an outcome write (on the wire, at the statement itself), then restored: every task still
 * completes exactly once, and none runs twice. Each node has 4 workers, so with more tasks than the
 * other node can take at once, the node whose link breaks claims some and writes outcomes.
 */
@Tag("fault")
class LinkCutFaultIT {

  @RegisterExtension static final OffloadNodeExtension offload = OffloadNodeExtension.withoutNode();

  private static final Map<String, String> NODE = Map.of("OFFLOAD_LEASE", "4s");
  private static final String RESCUED = "lease expired: node ";

  @Test
  void a_claim_whose_answer_is_lost_is_rescued_after_its_lease_and_its_tasks_run_once()
      throws Exception {
    try (FaultCluster cluster = new FaultCluster(offload.database(), offload.vertx())) {
      // PostgreSQL claims tasks for the node and commits; the node never learns which.
      SetChecker.Report report =
          breakLinkAndCheck(
              cluster,
              "claim",
              TaskStatements.CLAIM,
              Break.REPLY_LOST,
              new TaskBatch(8, new JsonObject().put("ms", 1_000)),
              "claiming tasks: database unavailable");
      assertEquals(Map.of(), report.ranMoreThanOnce(), "the lost claim's attempts never started");
      List<StoredTask> expired =
          StoredTask.readAll(offload.database(), offload.vertx()).stream()
              .filter(task -> task.errors().encode().contains(RESCUED + "claim-a"))
              .toList();
      assertTrue(!expired.isEmpty(), "the claim was committed: its leases expired");
      expired.forEach(task -> assertEquals(2, task.attempt(), task.toString()));
    }
  }

  @Test
  void an_outcome_cut_off_on_the_wire_is_written_again_once_the_link_is_back() throws Exception {
    try (FaultCluster cluster = new FaultCluster(offload.database(), offload.vertx())) {
      // Half of the statement that writes outcomes reaches PostgreSQL, which runs nothing.
      SetChecker.Report report =
          breakLinkAndCheck(
              cluster,
              "write",
              TaskStatements.END_ATTEMPTS,
              Break.MID_REQUEST,
              new TaskBatch(16, new JsonObject().put("ms", 500)),
              "writing attempt outcomes: database unavailable");
      assertEquals(Map.of(), report.ranMoreThanOnce(), "written again within the lease");
      assertEquals(
          0,
          cluster.nodes().get(0).metric("offload_attempt_outcomes_rejected_total"),
          "nothing was late");
    }
  }

  @Test
  void an_outcome_written_whose_answer_is_lost_is_not_written_twice() throws Exception {
    try (FaultCluster cluster = new FaultCluster(offload.database(), offload.vertx())) {
      // PostgreSQL writes the outcomes and commits; the node never hears so.
      SetChecker.Report report =
          breakLinkAndCheck(
              cluster,
              "answer",
              TaskStatements.END_ATTEMPTS,
              Break.REPLY_LOST,
              new TaskBatch(16, new JsonObject().put("ms", 500)),
              "writing attempt outcomes: database unavailable");
      assertEquals(Map.of(), report.ranMoreThanOnce());
      // The tasks were final once the first write committed; the node's second try may come later.
      NodeProcess cut = cluster.nodes().get(0);
      Eventually.isTrue(
          "the node wrote them again, and the database refused what it already had",
          () -> cut.metric("offload_attempt_outcomes_rejected_total") > 0);
    }
  }

  /**
   * Starts nodes {@code name-a} and {@code name-b}; while they run {@code batch}, breaks a's link
   * as {@code how} says at {@code statement}, cuts it, and restores it once a has logged that
   * {@code operation} fails. Then waits for every task to end and checks them all, a counted as
   * failed: returns the report, which holds.
   */
  private static SetChecker.Report breakLinkAndCheck(
      FaultCluster cluster,
      String name,
      String statement,
      Break how,
      TaskBatch batch,
      String operation)
      throws Exception {
    NodeProcess cut = cluster.launch(name + "-a", NODE);
    NodeProcess other = cluster.launch(name + "-b", NODE);
    cluster.awaitReady();
    PgLink link = cluster.link(cut.name());
    Future<Void> broken = link.breakAt(statement, how);
    SetChecker checker = new SetChecker().failed(cut.name());
    batch.submit(other, checker);
    broken.await(20, TimeUnit.SECONDS);
    link.cut();
    Eventually.isTrue(cut.name() + " logs: " + operation, () -> cut.log().contains(operation));
    link.restore();

    cluster.awaitAllFinal(Duration.ofSeconds(30));
    SetChecker.Report report = cluster.check(checker);
    System.out.println(name + ": " + report);
    report.assertValid();
    return report;
  }
}

package dev.offload.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.OffloadNodeExtension;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PostgreSQL restarts while two node processes take 300 submissions a second and run them: the
 * outage is answered 503 with {@code Retry-After}, nothing is half accepted, every acknowledged
 * task completes, and none runs twice (no node failed).
 */
@Tag("fault")
class DatabaseRestartFaultIT {

  @RegisterExtension static final OffloadNodeExtension offload = OffloadNodeExtension.withoutNode();

  /**
   * A lease longer than the outage, so that the running attempts keep theirs; 8 worker verticles,
   * to keep up with the load.
   */
  private static final Map<String, String> NODE =
      Map.of("OFFLOAD_LEASE", "10s", "OFFLOAD_WORKER_INSTANCES", "8");

  @Test
  void a_restart_under_load_answers_503_with_retry_after_and_every_acknowledged_task_runs_once()
      throws Exception {
    try (FaultCluster cluster = new FaultCluster(offload.database(), offload.vertx())) {
      cluster.launch("restart-a", NODE);
      cluster.launch("restart-b", NODE);
      cluster.awaitReady();

      try (SubmissionLoad load =
          new SubmissionLoad(offload.vertx(), cluster.nodes(), new JsonObject())) {
        load.start(300, Duration.ofSeconds(10));
        Thread.sleep(4_000); // the restart comes in the middle of the load
        cluster.restartPostgres(Duration.ofSeconds(3));
        load.awaitAnswers();
        System.out.println("restart under load: " + load);
        load.assertNoAnomalies();
        assertTrue(load.unavailable() > 0, "the restart was answered 503: " + load);

        cluster.awaitAllFinal(Duration.ofSeconds(90));
        SetChecker.Report report = cluster.check(load.feed(new SetChecker()));
        System.out.println("restart under load: " + report);
        report.assertValid();
        assertEquals(Map.of(), report.ranMoreThanOnce(), "no node failed, so nothing ran twice");
      }
    }
  }
}

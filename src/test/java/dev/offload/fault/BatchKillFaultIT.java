package dev.offload.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.offload.fault.PgLink.Break;
import dev.offload.store.TaskStatements;
import dev.offload.testing.NodeProcess;
import dev.offload.testing.OffloadNodeExtension;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An API node is killed with SIGKILL while it inserts a batch of 500 tasks: the batch is stored
 * whole or not at all, whether the kill comes before PostgreSQL has the statement or after it
 * committed; sent again with the same keys to another node, it is stored once, and every task runs
 * once.
 */
@Tag("fault")
class BatchKillFaultIT {

  @RegisterExtension static final OffloadNodeExtension offload = OffloadNodeExtension.withoutNode();

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Map<String, String> API = Map.of("OFFLOAD_ROLE", "api");
  private static final Map<String, String> WORKER = Map.of("OFFLOAD_LEASE", "4s");
  private static final int TASKS = 500;

  @Test
  void a_kill_while_the_batch_is_on_the_wire_stores_none_of_it() throws Exception {
    try (FaultCluster cluster = new FaultCluster(offload.database(), offload.vertx())) {
      killResendAndCheck(cluster, "insert", Break.MID_REQUEST, 0);
    }
  }

  @Test
  void a_kill_after_the_batch_committed_leaves_it_whole_and_resending_it_stores_nothing_more()
      throws Exception {
    try (FaultCluster cluster = new FaultCluster(offload.database(), offload.vertx())) {
      killResendAndCheck(cluster, "commit", Break.REPLY_LOST, TASKS);
      assertEquals(TASKS, StoredTask.readAll(offload.database(), offload.vertx()).size());
    }
  }

  /**
   * Starts an API node {@code name-api} and a worker {@code name-worker}; kills the API node while
   * it inserts a batch, its link broken as {@code how} says; checks that {@code stored} tasks of
   * the batch are stored (none or all); then, as the client that got no answer would, sends the
   * batch again to the worker, waits for every task to end, and checks them all.
   */
  private static void killResendAndCheck(FaultCluster cluster, String name, Break how, int stored)
      throws Exception {
    NodeProcess doomed = cluster.launch(name + "-api", API);
    NodeProcess worker = cluster.launch(name + "-worker", WORKER);
    cluster.awaitReady();
    TaskBatch batch = new TaskBatch(TASKS, new JsonObject());
    killDuringInsert(cluster, doomed, batch, how);
    assertEquals(stored, storedOf(batch), "tasks of the batch stored");

    SetChecker checker = new SetChecker().failed(doomed.name());
    batch.submit(worker, checker);
    cluster.awaitAllFinal(Duration.ofSeconds(60));
    SetChecker.Report report = cluster.check(checker);
    System.out.println(name + ": " + report);
    report.assertValid();
  }

  /**
   * Sends {@code batch} to {@code node}, breaks its link as {@code how} says at the batch's insert,
   * then kills the node: the client gets no answer.
   */
  private static void killDuringInsert(
      FaultCluster cluster, NodeProcess node, TaskBatch batch, Break how) throws Exception {
    Future<Void> broken = cluster.link(node.name()).breakAt(TaskStatements.INSERT_BATCH, how);
    CompletableFuture<HttpResponse<String>> answer =
        HTTP.sendAsync(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/tasks/batch"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(batch.body().encode()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    broken.await(20, TimeUnit.SECONDS);
    node.kill();
    assertThrows(ExecutionException.class, () -> answer.get(20, TimeUnit.SECONDS), "no answer");
  }

  /** How many tasks of {@code batch} are stored. */
  private static long storedOf(TaskBatch batch) {
    return StoredTask.readAll(offload.database(), offload.vertx()).stream()
        .filter(task -> batch.keys().contains(task.uniqueKey()))
        .count();
  }
}

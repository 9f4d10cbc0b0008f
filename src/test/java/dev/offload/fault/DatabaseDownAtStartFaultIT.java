package dev.offload.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.Eventually;
import dev.offload.testing.NodeProcess;
import dev.offload.testing.OffloadNodeExtension;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two node processes start while PostgreSQL is down: they serve what needs no database, answer 503
 * with {@code Retry-After} for the rest, keep trying, and once it is up they take and run every
 * task exactly once.
 */
@Tag("fault")
class DatabaseDownAtStartFaultIT {

  @RegisterExtension static final OffloadNodeExtension offload = OffloadNodeExtension.withoutNode();

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Map<String, String> NODE = Map.of("OFFLOAD_LEASE", "5s");

  @Test
  void nodes_started_without_their_database_answer_503_wait_and_then_run_every_task_once()
      throws Exception {
    try (FaultCluster cluster = new FaultCluster(offload.database(), offload.vertx())) {
      cluster.launchWithoutDatabase("down-a", NODE);
      cluster.launchWithoutDatabase("down-b", NODE);
      for (NodeProcess node : cluster.nodes()) {
        node.awaitServing();
        assertEquals(200, send(node, "GET", "/health", null).statusCode());
        assertEquals(503, send(node, "GET", "/ready", null).statusCode());
        assertUnavailable(send(node, "POST", "/tasks", "{\"kind\": \"test.record\"}"));
        assertUnavailable(send(node, "POST", "/tasks/batch", "{\"tasks\": []}"));
        assertUnavailable(send(node, "GET", "/tasks", null));
        Eventually.isTrue(
            node.name() + " keeps trying its database",
            () -> node.log().contains("database not ready, retrying"));
        assertTrue(node.isAlive());
      }

      cluster.restore();
      cluster.awaitReady();
      try (SubmissionLoad load =
          new SubmissionLoad(offload.vertx(), cluster.nodes(), new JsonObject().put("ms", 5))) {
        load.start(100, Duration.ofSeconds(3));
        load.awaitAnswers();
        load.assertNoAnomalies();
        cluster.awaitAllFinal(Duration.ofSeconds(30));
        SetChecker.Report report = cluster.check(load.feed(new SetChecker()));
        System.out.println("started without the database: " + report);
        report.assertValid();
        assertEquals(Map.of(), report.ranMoreThanOnce());
      }
    }
  }

  private static void assertUnavailable(HttpResponse<String> response) {
    assertEquals(503, response.statusCode(), response.body());
    assertEquals(
        "database_unavailable",
        new JsonObject(response.body()).getJsonObject("error").getString("code"));
    assertEquals("1", response.headers().firstValue("retry-after").orElse(null), "Retry-After");
  }

  private static HttpResponse<String> send(
      NodeProcess node, String method, String path, String body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
            .header("content-type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }
}

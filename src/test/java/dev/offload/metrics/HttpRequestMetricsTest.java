package dev.offload.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.offload.testing.OffloadNodeExtension;
import dev.offload.testing.Scrape;
import dev.offload.testing.Tasks;
import dev.offload.testing.TestNode;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The HTTP timer's series: one per route template, method and status, never per raw path. */
class HttpRequestMetricsTest {

  private static final String TIMER_COUNT = "offload_http_server_requests_seconds_count";

  @RegisterExtension static final OffloadNodeExtension offload = OffloadNodeExtension.withNode();

  @Test
  void requests_are_timed_by_route_template_and_paths_no_route_serves_share_one_label() {
    TestNode node = offload.node();
    String id = node.submit(Tasks.noop());
    String unknownTask = UUID.randomUUID().toString();
    String unknownPath = "/no/such/" + UUID.randomUUID();

    assertEquals(200, node.client().get("/tasks/" + id).send().await().statusCode());
    assertEquals(200, node.client().get("/tasks/" + id).send().await().statusCode());
    // The route fails the request; the failure handler answers: still the route's template.
    assertEquals(404, node.client().get("/tasks/" + unknownTask).send().await().statusCode());
    assertEquals(404, node.client().get(unknownPath).send().await().statusCode());

    Scrape scrape = new Scrape(node.metrics());
    assertEquals(
        OptionalDouble.of(1),
        scrape.value(TIMER_COUNT, labels("/tasks", "POST", "202")),
        scrape.toString());
    assertEquals(
        OptionalDouble.of(2), scrape.value(TIMER_COUNT, labels("/tasks/:id", "GET", "200")));
    assertEquals(
        OptionalDouble.of(1), scrape.value(TIMER_COUNT, labels("/tasks/:id", "GET", "404")));
    assertEquals(
        OptionalDouble.of(1), scrape.value(TIMER_COUNT, labels("unmatched", "GET", "404")));
    for (String raw : new String[] {id, unknownTask, unknownPath}) {
      assertFalse(scrape.toString().contains(raw), raw);
    }
  }

  private static Map<String, String> labels(String route, String method, String code) {
    return Map.of("route", route, "method", method, "code", code);
  }
}

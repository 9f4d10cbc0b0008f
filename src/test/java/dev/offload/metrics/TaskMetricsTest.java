package dev.offload.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.offload.store.QueueBacklog;
import dev.offload.testing.Eventually;
import dev.offload.testing.MutableClock;
import dev.offload.testing.OffloadNodeExtension;
import dev.offload.testing.Scrape;
import dev.offload.testing.Tasks;
import dev.offload.testing.TestNode;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The task meters by kind and queue after a known workload, the queue gauges after submissions to
 * two queues on a clock moved by the test, and the cap on queue labels.
 */
class TaskMetricsTest {

  private static final Instant T0 = Instant.parse("2026-03-01T09:00:00Z");

  @RegisterExtension static final OffloadNodeExtension offload = OffloadNodeExtension.withoutNode();

  @Test
  void task_counters_count_exactly_by_kind_and_queue() throws Exception {
    TestNode node = offload.start();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(node.submit(Tasks.noop().queue("alpha")));
    }
    ids.addAll(node.submitBatch(2, Tasks.noop().queue("beta")));
    for (int i = 0; i < 2; i++) {
      ids.add(node.submit(Tasks.failing().queue("beta").maxAttempts(2)));
    }
    for (String id : ids) {
      node.await(id, Tasks.finished());
    }

    Scrape scrape = new Scrape(node.metrics());
    assertCount(scrape, 3, "offload_tasks_submitted_total", "noop", "alpha");
    assertCount(scrape, 2, "offload_tasks_submitted_total", "noop", "beta");
    assertCount(scrape, 2, "offload_tasks_submitted_total", "test.fail", "beta");
    assertCount(scrape, 3, "offload_attempts_started_total", "noop", "alpha");
    assertCount(scrape, 2, "offload_attempts_started_total", "noop", "beta");
    assertCount(scrape, 4, "offload_attempts_started_total", "test.fail", "beta");
    assertEnded(scrape, 3, "noop", "alpha", "completed");
    assertEnded(scrape, 2, "noop", "beta", "completed");
    assertEnded(scrape, 0, "noop", "beta", "discarded");
    assertEnded(scrape, 2, "test.fail", "beta", "retryable");
    assertEnded(scrape, 2, "test.fail", "beta", "discarded");
    assertEnded(scrape, 0, "test.fail", "beta", "completed");
    assertEquals(
        List.of(),
        scrape.labelsOf("offload_attempts_started_total").stream()
            .filter(labels -> !List.of("alpha", "beta").contains(labels.get("queue")))
            .toList());
  }

  @Test
  void queue_gauges_show_each_queues_due_tasks_and_how_long_the_oldest_has_waited()
      throws Exception {
    MutableClock clock = new MutableClock(T0);
    // An API node runs no task: what is submitted waits.
    TestNode node =
        offload.start(
            clock, Map.of("OFFLOAD_ROLE", "api", "OFFLOAD_METRICS_QUEUE_INTERVAL", "100ms"));
    List<String> reports = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      reports.add(node.submit(Tasks.noop().queue("reports")));
    }
    clock.advance(Duration.ofSeconds(30));
    node.submit(Tasks.noop().queue("emails"));
    node.submit(Tasks.noop().queue("emails"));
    node.submit(Tasks.noop().queue("emails").delay("1h")); // not due: it does not wait yet
    clock.advance(Duration.ofSeconds(60));

    awaitGauges(node, "reports", 3, 90);
    awaitGauges(node, "emails", 2, 60);

    for (String id : reports) {
      node.client().post("/tasks/" + id + "/cancel").send().await();
    }
    awaitGauges(node, "reports", 0, 0); // an emptied queue keeps its series, at 0
    awaitGauges(node, "emails", 2, 60);
  }

  @Test
  void queues_beyond_the_cap_share_one_label() {
    MeterRegistry registry = Metrics.newRegistry();
    TaskMetrics metrics = new TaskMetrics(registry);
    int queues = TaskMetrics.MAX_LABEL_VALUES + 5;
    IntStream.range(0, queues).forEach(i -> metrics.submitted("noop", "q" + i));
    metrics.queuesCounted(
        IntStream.range(0, queues)
            .mapToObj(i -> new QueueBacklog("q" + i, 1, T0.minusSeconds(i)))
            .toList(),
        T0);

    assertEquals(
        TaskMetrics.MAX_LABEL_VALUES + 1,
        registry.find("offload.tasks.submitted").counters().size());
    assertEquals(
        5, registry.get("offload.tasks.submitted").tag("queue", "(other)").counter().count());
    assertEquals(1, registry.get("offload.tasks.submitted").tag("queue", "q99").counter().count());
    assertEquals(5, registry.get("offload.queue.depth").tag("queue", "(other)").gauge().value());
    assertEquals(
        queues - 1,
        registry.get("offload.queue.oldest.waiting.age").tag("queue", "(other)").gauge().value());
  }

  private static void awaitGauges(TestNode node, String queue, double depth, double ageSeconds)
      throws InterruptedException {
    Eventually.isTrue(
        queue + ": " + depth + " due, the oldest for " + ageSeconds + " s",
        () -> {
          Scrape scrape = new Scrape(node.metrics());
          Map<String, String> labels = Map.of("queue", queue);
          return scrape.value("offload_queue_depth", labels).equals(OptionalDouble.of(depth))
              && scrape
                  .value("offload_queue_oldest_waiting_age_seconds", labels)
                  .equals(OptionalDouble.of(ageSeconds));
        });
  }

  private static void assertCount(
      Scrape scrape, double expected, String name, String kind, String queue) {
    assertEquals(
        OptionalDouble.of(expected),
        scrape.value(name, Map.of("kind", kind, "queue", queue)),
        name + " " + kind + " " + queue);
  }

  private static void assertEnded(
      Scrape scrape, double expected, String kind, String queue, String state) {
    assertEquals(
        OptionalDouble.of(expected),
        scrape.value(
            "offload_attempts_ended_total", Map.of("kind", kind, "queue", queue, "state", state)),
        kind + " " + queue + " " + state);
  }
}

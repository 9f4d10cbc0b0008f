package dev.offload.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.Eventually;
import dev.offload.testing.OffloadNodeExtension;
import dev.offload.testing.TaskBody;
import dev.offload.testing.Tasks;
import dev.offload.testing.TestNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One trace across two nodes: a task submitted to an API node, within a client's trace, and run by
 * a worker node, which knows of that trace only through the task's row. Each node has an SDK of its
 * own; both export to one in-memory exporter.
 */
class AttemptTracingTest {

  private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

  @RegisterExtension
  static final OffloadNodeExtension offload = OffloadNodeExtension.withoutNode().tracing(SPANS);

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CLIENT_SPAN_ID = "00f067aa0ba902b7";
  private static final String CLIENT_TRACEPARENT = "00-" + TRACE_ID + "-" + CLIENT_SPAN_ID + "-01";
  private static final AttributeKey<String> INSTANCE =
      AttributeKey.stringKey("service.instance.id");

  private TestNode api;

  @BeforeEach
  void two_nodes_on_one_database() throws InterruptedException {
    SPANS.reset();
    api = offload.start(Map.of("OFFLOAD_ROLE", "api", "OFFLOAD_NODE_ID", "api-node"));
    offload.start(Map.of("OFFLOAD_ROLE", "worker", "OFFLOAD_NODE_ID", "worker-node"));
  }

  @Test
  void one_trace_shows_the_request_on_one_node_then_the_wait_and_the_attempt_on_the_other()
      throws Exception {
    String id = submit("/tasks", Tasks.noop().json().encode());
    api.await(id, Tasks.inState("completed"));

    SpanData request = requestSpan("POST");
    SpanData attempt = span("attempt noop");
    SpanData waited = span("wait noop");

    // The request on the API node, in the client's trace.
    assertEquals(TRACE_ID, request.getTraceId());
    assertEquals(CLIENT_SPAN_ID, request.getParentSpanId());
    assertEquals("api-node", request.getResource().getAttribute(INSTANCE));
    // The task keeps the request's span as its parent, not the client's: its attempts show
    // under the request.
    assertEquals(
        "00-" + TRACE_ID + "-" + request.getSpanId() + "-01",
        offload
            .sql("SELECT traceparent FROM offload_task_all WHERE id = $1", UUID.fromString(id))
            .iterator()
            .next()
            .getString(0));

    // The wait, then the attempt, on the worker node, children of the request.
    for (SpanData span : List.of(waited, attempt)) {
      assertEquals(TRACE_ID, span.getTraceId());
      assertEquals(request.getSpanId(), span.getParentSpanId());
      assertEquals("worker-node", span.getResource().getAttribute(INSTANCE));
      assertEquals(id, span.getAttributes().get(AttemptTracing.TASK_ID));
      assertEquals(1L, span.getAttributes().get(AttemptTracing.ATTEMPT));
    }
    assertTrue(waited.getEndEpochNanos() <= attempt.getStartEpochNanos());
    assertEquals(SpanKind.CONSUMER, attempt.getKind());
    assertEquals("worker-node", attempt.getAttributes().get(AttemptTracing.RUNNER));
    assertEquals("async", attempt.getAttributes().get(AttemptTracing.LANE));
    assertEquals("completed", attempt.getAttributes().get(AttemptTracing.OUTCOME));
    assertEquals("completed", attempt.getAttributes().get(AttemptTracing.NEXT_STATE));
    assertEquals(StatusCode.UNSET, attempt.getStatus().getStatusCode());
  }

  @Test
  void each_attempt_of_a_batch_task_joins_the_trace_and_a_failed_one_is_an_error()
      throws Exception {
    TaskBody failingOnce = Tasks.failingUntil(2).maxAttempts(2);
    String body = "{\"tasks\": [" + failingOnce.json().encode() + "]}";
    HttpResponse<Buffer> response = post("/tasks/batch", body);
    assertEquals(202, response.statusCode(), response.bodyAsString());
    String id = response.bodyAsJsonObject().getJsonArray("ids").getString(0);
    api.await(id, Tasks.inState("completed"));

    SpanData request = requestSpan("POST");
    List<SpanData> attempts =
        Eventually.value(
            "both attempts' spans",
            TestNode.DEFAULT_WAIT,
            () -> named("attempt test.fail"),
            spans -> spans.size() == 2);
    SpanData first = attempts.stream().filter(span -> attempt(span) == 1).findFirst().orElseThrow();
    SpanData second =
        attempts.stream().filter(span -> attempt(span) == 2).findFirst().orElseThrow();
    for (SpanData span : attempts) {
      assertEquals(TRACE_ID, span.getTraceId());
      assertEquals(request.getSpanId(), span.getParentSpanId());
      assertEquals("blocking", span.getAttributes().get(AttemptTracing.LANE));
    }
    assertEquals(StatusCode.ERROR, first.getStatus().getStatusCode());
    assertEquals("failed", first.getAttributes().get(AttemptTracing.OUTCOME));
    assertEquals("retryable", first.getAttributes().get(AttemptTracing.NEXT_STATE));
    assertEquals("completed", second.getAttributes().get(AttemptTracing.OUTCOME));
    assertEquals(2, named("wait test.fail").size());
  }

  @Test
  void an_invalid_traceparent_is_refused_and_nothing_is_stored() {
    HttpResponse<Buffer> response =
        api.client()
            .post("/tasks")
            .putHeader("traceparent", "00-" + TRACE_ID.toUpperCase() + "-" + CLIENT_SPAN_ID + "-01")
            .sendBuffer(Buffer.buffer(Tasks.noop().json().encode()))
            .await();

    assertEquals(400, response.statusCode());
    assertEquals(
        "invalid_field",
        response.bodyAsJsonObject().getJsonObject("error").getString("code"),
        response.bodyAsString());
    assertEquals(0, offload.countTasks("true"));
  }

  private String submit(String path, String body) {
    HttpResponse<Buffer> response = post(path, body);
    assertEquals(202, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getString("id");
  }

  private HttpResponse<Buffer> post(String path, String body) {
    return api.client()
        .post(path)
        .putHeader("content-type", "application/json")
        .putHeader("traceparent", CLIENT_TRACEPARENT)
        .sendBuffer(Buffer.buffer(body))
        .await();
  }

  /** The API node's span of the submitting request. */
  private static SpanData requestSpan(String name) throws InterruptedException {
    return Eventually.value(
            "the request's span",
            TestNode.DEFAULT_WAIT,
            () ->
                named(name).stream()
                    .filter(span -> span.getKind() == SpanKind.SERVER)
                    .filter(span -> CLIENT_SPAN_ID.equals(span.getParentSpanId()))
                    .toList(),
            spans -> spans.size() == 1)
        .get(0);
  }

  private static SpanData span(String name) throws InterruptedException {
    List<SpanData> found =
        Eventually.value(
            "the span " + name,
            TestNode.DEFAULT_WAIT,
            () -> named(name),
            spans -> !spans.isEmpty());
    assertEquals(1, found.size(), found.toString());
    return found.get(0);
  }

  private static List<SpanData> named(String name) {
    List<SpanData> found =
        SPANS.getFinishedSpanItems().stream().filter(span -> span.getName().equals(name)).toList();
    assertFalse(found.size() > 2, found.toString());
    return found;
  }

  private static long attempt(SpanData span) {
    return span.getAttributes().get(AttemptTracing.ATTEMPT);
  }
}

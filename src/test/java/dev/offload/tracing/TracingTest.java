package dev.offload.tracing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.task.AttemptOutcome;
import dev.offload.task.TaskState;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tracing stays off unless the OTEL_* variables ask for traces. */
class TracingTest {

  @Test
  void tracing_is_off_without_otel_variables() {
    assertFalse(Tracing.requested(Map.of()));
    assertFalse(Tracing.fromEnvironment(Map.of("OTEL_SERVICE_NAME", "offload")).isOn());
  }

  @Test
  void an_exporter_or_an_otlp_endpoint_asks_for_traces() {
    assertTrue(Tracing.requested(Map.of("OTEL_TRACES_EXPORTER", "otlp")));
    assertTrue(Tracing.requested(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")));
    assertTrue(
        Tracing.requested(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://c:4318/v1/traces")));
  }

  @Test
  void no_exporter_or_a_disabled_sdk_keeps_it_off() {
    assertFalse(
        Tracing.requested(
            Map.of(
                "OTEL_TRACES_EXPORTER", "none",
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")));
    assertFalse(
        Tracing.requested(Map.of("OTEL_TRACES_EXPORTER", "otlp", "OTEL_SDK_DISABLED", "true")));
  }

  @Test
  void asked_for_it_is_on_with_the_otlp_exporter() {
    // Nothing is sent until a span ends, so no collector is needed to build it.
    assertTrue(
        Tracing.fromEnvironment(
                Map.of(
                    "OTEL_TRACES_EXPORTER", "otlp",
                    "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1"))
            .isOn());
  }

  @Test
  void off_attempts_get_no_span() {
    AttemptSpan span = Tracing.off().attempts().started(null, "node");
    assertSame(AttemptSpan.NONE, span);
    span.ended(AttemptOutcome.ofResult(null), TaskState.COMPLETED);
    assertNull(span.traceparent());
  }
}

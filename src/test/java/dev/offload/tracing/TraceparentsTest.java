package dev.offload.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.task.InvalidTaskException;
import io.opentelemetry.api.trace.SpanContext;
import org.junit.jupiter.api.Test;

/** The W3C traceparent a submission may carry: version 00 only, checked, kept as sent. */
class TraceparentsTest {

  private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  @Test
  void a_valid_header_is_kept_as_sent_when_no_span_is_current() {
    assertEquals(VALID, Traceparents.ofSubmission(VALID));
    assertNull(Traceparents.ofSubmission(null));
  }

  @Test
  void invalid_headers_are_refused() {
    for (String invalid :
        new String[] {
          "",
          "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
          "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
          "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
          "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
          "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
          VALID + "-extra",
          VALID.repeat(100)
        }) {
      assertFalse(Traceparents.isValid(invalid), invalid);
      InvalidTaskException refused =
          assertThrows(InvalidTaskException.class, () -> Traceparents.ofSubmission(invalid));
      assertEquals("invalid_field", refused.code());
    }
  }

  @Test
  void a_stored_traceparent_reads_back_as_the_remote_parent_it_names() {
    SpanContext parent = Traceparents.parse(VALID);
    assertTrue(parent.isRemote());
    assertTrue(parent.isSampled());
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", parent.getTraceId());
    assertEquals("00f067aa0ba902b7", parent.getSpanId());
    assertEquals(VALID, Traceparents.format(parent));
    assertFalse(
        Traceparents.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00").isSampled());
  }
}

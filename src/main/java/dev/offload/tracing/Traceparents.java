package dev.offload.tracing;

import dev.offload.task.InvalidTaskException;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import java.util.regex.Pattern;

/**
 * The W3C {@code traceparent} of a submission (<a
 * href="https://www.w3.org/TR/trace-context/#traceparent-header">Trace Context</a>, version 00),
 * kept with its task so that its attempts' spans join its trace.
 */
public final class Traceparents {

  /** The request header, as Vert.x's lower-case header names have it. */
  public static final String HEADER = "traceparent";

  /** Version 00: exactly 55 characters, lower-case hex; the table's CHECK says the same (V016). */
  private static final Pattern VERSION_00 =
      Pattern.compile("00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}");

  private static final int LENGTH = 55;

  private Traceparents() {}

  /**
   * What a submission stores: the span of the request submitting it, when this node traces (Vert.x
   * made it current, a child of the {@code header} if one was sent), so that the attempts show
   * under the request; otherwise the {@code header} as sent (or null). Read on the request's own
   * thread, where its span is current. An invalid header is the client's mistake, answered with a
   * 400, never dropped silently.
   */
  public static String ofSubmission(String header) {
    if (header != null && !isValid(header)) {
      throw InvalidTaskException.invalidField(
          "the traceparent header must be a W3C traceparent of version 00"
              + " (00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>, lower case, ids not all"
              + " zero)");
    }
    SpanContext current = Span.current().getSpanContext();
    return current.isValid() ? format(current) : header;
  }

  static boolean isValid(String traceparent) {
    return traceparent.length() == LENGTH && VERSION_00.matcher(traceparent).matches();
  }

  static String format(SpanContext context) {
    return "00-"
        + context.getTraceId()
        + "-"
        + context.getSpanId()
        + "-"
        + context.getTraceFlags().asHex();
  }

  /** The remote span context a stored traceparent names (stored ones are valid: see V016). */
  static SpanContext parse(String traceparent) {
    return SpanContext.createFromRemoteParent(
        traceparent.substring(3, 35),
        traceparent.substring(36, 52),
        TraceFlags.fromHex(traceparent, 53),
        TraceState.getDefault());
  }
}

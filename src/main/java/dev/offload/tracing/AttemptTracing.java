package dev.offload.tracing;

import dev.offload.task.AttemptOutcome;
import dev.offload.task.Task;
import dev.offload.task.TaskState;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The spans of attempts, wherever they run (this node's worker verticles and asynchronous lane, or
 * a worker elsewhere that reports to this node): the one place that makes them, so that every
 * runner traces attempts alike. Each attempt gives two spans, both children of the traceparent its
 * task was submitted with, so that the submission's trace shows the request, then the wait, then
 * the attempt:
 *
 * <ul>
 *   <li>{@code wait <kind>}: from the submission (a retry: from the time it fell due) to the claim;
 *   <li>{@code attempt <kind>}: from the claim to the outcome.
 * </ul>
 *
 * <p>Children, not links: a task comes from exactly one submission, and a backend shows one trace
 * only for spans that share its trace id; a link (what OpenTelemetry's messaging conventions
 * suggest when one consumer span handles many messages) would put every attempt in a trace of its
 * own, one click away from its request. The parent's sampling decision holds: an attempt of a
 * request that was not sampled is not recorded either. A task without a traceparent gets its
 * attempts traced as roots, without the wait.
 */
public final class AttemptTracing {

  /** Tracing off: {@link AttemptSpan#NONE} for every attempt. */
  public static final AttemptTracing OFF = new AttemptTracing(null);

  static final AttributeKey<String> TASK_ID = AttributeKey.stringKey("offload.task.id");
  static final AttributeKey<String> KIND = AttributeKey.stringKey("offload.task.kind");
  static final AttributeKey<String> QUEUE = AttributeKey.stringKey("offload.task.queue");
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("offload.attempt");
  static final AttributeKey<Long> MAX_ATTEMPTS = AttributeKey.longKey("offload.max_attempts");
  static final AttributeKey<String> LANE = AttributeKey.stringKey("offload.lane");
  static final AttributeKey<String> RUNNER = AttributeKey.stringKey("offload.runner");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("offload.outcome");
  static final AttributeKey<String> NEXT_STATE = AttributeKey.stringKey("offload.next_state");

  private final Tracer tracer;

  AttemptTracing(Tracer tracer) {
    this.tracer = tracer;
  }

  /**
   * The span of the attempt of {@code task} (as claimed: {@code attempt} and {@code attemptedAt}
   * are this attempt's) starting on {@code runner}, a node id or a remote worker's name.
   */
  public AttemptSpan started(Task task, String runner) {
    if (tracer == null) {
      return AttemptSpan.NONE;
    }
    Context parent =
        task.traceparent() == null
            ? Context.root()
            : Context.root().with(Span.wrap(Traceparents.parse(task.traceparent())));
    Attributes identity =
        Attributes.of(
            TASK_ID,
            task.id().toString(),
            KIND,
            task.kind(),
            QUEUE,
            task.queue(),
            ATTEMPT,
            (long) task.attempt());
    Instant claimed = task.attemptedAt();
    if (task.traceparent() != null && claimed != null) {
      Instant waitedFrom = task.attempt() == 1 ? task.createdAt() : task.scheduledAt();
      tracer
          .spanBuilder("wait " + task.kind())
          .setParent(parent)
          .setAllAttributes(identity)
          .setStartTimestamp(waitedFrom)
          .startSpan()
          .end(claimed);
    }
    SpanBuilder attempt =
        tracer
            .spanBuilder("attempt " + task.kind())
            .setParent(parent)
            .setSpanKind(SpanKind.CONSUMER)
            .setAllAttributes(identity)
            .setAttribute(MAX_ATTEMPTS, (long) task.maxAttempts())
            .setAttribute(LANE, task.lane().wireName())
            .setAttribute(RUNNER, runner);
    if (claimed != null) {
      attempt.setStartTimestamp(claimed);
    }
    return new Live(attempt.startSpan());
  }

  /** A recorded (or, unsampled, a non-recording) attempt span. */
  private static final class Live implements AttemptSpan {

    private final Span span;
    private final AtomicBoolean ended = new AtomicBoolean();

    Live(Span span) {
      this.span = span;
    }

    @Override
    public void ended(AttemptOutcome outcome, TaskState next) {
      if (ended.compareAndSet(false, true)) {
        span.setAttribute(OUTCOME, outcome.status().name().toLowerCase(java.util.Locale.ROOT));
        span.setAttribute(NEXT_STATE, next.wireName());
        if (outcome.status() != AttemptOutcome.Status.COMPLETED) {
          span.setStatus(StatusCode.ERROR, outcome.error() == null ? "" : outcome.error());
        }
        span.end();
      }
    }

    @Override
    public void handedBack(String reason) {
      if (ended.compareAndSet(false, true)) {
        span.setAttribute(OUTCOME, "handed_back");
        span.addEvent("handed back: " + reason);
        span.end();
      }
    }

    @Override
    public String traceparent() {
      return Traceparents.format(span.getSpanContext());
    }
  }
}

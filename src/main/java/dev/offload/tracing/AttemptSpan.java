package dev.offload.tracing;

import dev.offload.task.AttemptOutcome;
import dev.offload.task.TaskState;

/**
 * The span of one attempt, from its start to its outcome (see {@link AttemptTracing}). The first
 * end counts; later ones do nothing. {@link #NONE} when tracing is off: it costs nothing.
 */
public interface AttemptSpan {

  /** What tracing off gives: no span. */
  AttemptSpan NONE =
      new AttemptSpan() {
        @Override
        public void ended(AttemptOutcome outcome, TaskState next) {}

        @Override
        public void handedBack(String reason) {}

        @Override
        public String traceparent() {
          return null;
        }
      };

  /** The attempt ended with {@code outcome}, and its task goes on to {@code next}. */
  void ended(AttemptOutcome outcome, TaskState next);

  /** The attempt was given back unfinished (the node stopping, its worker gone): not counted. */
  void handedBack(String reason);

  /**
   * This span's W3C traceparent, for code that runs the attempt elsewhere and traces its own work
   * as children of it (a remote worker, given it with the task); null when tracing is off.
   */
  String traceparent();
}

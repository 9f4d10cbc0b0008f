package dev.offload.task;

import java.time.Instant;
import java.util.UUID;

/**
 * How one attempt ended, as written: the task's next state, when it may run again (retryable only),
 * its result as JSON text (completed only) and the attempt's error (failed attempts only).
 */
public record AttemptEnd(
    UUID taskId,
    int attempt,
    TaskState state,
    Instant retryAt,
    String resultJson,
    AttemptError error) {}

package dev.offload.task;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A unit of work as stored. {@code lane} was fixed at submission (see {@link Lane}). {@code
 * cancelRequestedAt} is set once someone asked to cancel it; {@code uniqueKey} (or null) makes its
 * submission idempotent; {@code callbackUrl} (or null) hears about it once it is final. {@code
 * result} is any JSON value (or null); {@code progress} is 0..1 or null when the handler does not
 * report it. {@code traceparent} (or null) is the W3C trace context of its submission, which its
 * attempts' spans join (see {@code dev.offload.tracing.AttemptTracing}).
 */
public record Task(
    UUID id,
    String kind,
    Lane lane,
    String queue,
    TaskState state,
    JsonObject args,
    int priority,
    int attempt,
    int maxAttempts,
    Duration timeout,
    Double progress,
    Object result,
    List<AttemptError> errors,
    String attemptedBy,
    Instant createdAt,
    Instant scheduledAt,
    Instant attemptedAt,
    Instant finalizedAt,
    Instant cancelRequestedAt,
    String uniqueKey,
    String callbackUrl,
    String traceparent) {}

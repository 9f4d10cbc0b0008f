package dev.offload.task;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;

/**
 * A validated submission, ready to insert. {@code lane} says where its attempts run (see {@link
 * Lane}); {@code scheduledAt} null means "now"; {@code uniqueKey} null means the submission is not
 * idempotent; {@code callbackUrl} null means no callback; {@code requestHash} is the fingerprint of
 * the request that asked for it with a unique key (see {@code RequestFingerprint}), null for none;
 * {@code argsJson} is {@code args} already encoded, where the submission path had to encode them
 * anyway (to measure them), or null; {@code traceparent} is the W3C trace context of the request
 * that submitted it (see {@code dev.offload.tracing.Traceparents}), or null.
 */
public record NewTask(
    String kind,
    Lane lane,
    String queue,
    JsonObject args,
    int priority,
    int maxAttempts,
    Duration timeout,
    Instant scheduledAt,
    String uniqueKey,
    String callbackUrl,
    String requestHash,
    String argsJson,
    String traceparent) {

  /** This task as submitted within the trace {@code traceparent} (or null: none). */
  public NewTask withTraceparent(String traceparent) {
    return new NewTask(
        kind,
        lane,
        queue,
        args,
        priority,
        maxAttempts,
        timeout,
        scheduledAt,
        uniqueKey,
        callbackUrl,
        requestHash,
        argsJson,
        traceparent);
  }

  /** {@code args} as JSON text: encoded once, whoever asks first. */
  public String encodedArgs() {
    return argsJson != null ? argsJson : args.encode();
  }

  public static final String DEFAULT_QUEUE = "default";
  public static final int DEFAULT_PRIORITY = 5;
}

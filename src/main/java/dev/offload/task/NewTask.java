package dev.offload.task;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;

/**
 * A validated submission, ready to insert. {@code lane} says where its attempts run (see {@link
 * Lane}); {@code scheduledAt} null means "now"; {@code uniqueKey} null means the submission is not
 * idempotent; {@code callbackUrl} null means no callback.
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
    String callbackUrl) {

  public static final String DEFAULT_QUEUE = "default";
  public static final int DEFAULT_PRIORITY = 5;
}

package dev.offload.task;

/**
 * A unique key (or {@code Idempotency-Key}) reused with a request other than the one that took it:
 * as Stripe defines idempotency, that is the client's mistake, not a request for the first task.
 * The HTTP API answers it with a 409.
 */
public final class IdempotencyConflictException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public IdempotencyConflictException(String uniqueKey) {
    super(
        "the key '"
            + uniqueKey
            + "' was used before with a different request; reuse a key only to repeat the same"
            + " request",
        null,
        false,
        false);
  }
}

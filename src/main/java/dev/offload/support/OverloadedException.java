package dev.offload.support;

import io.vertx.core.VertxException;

/**
 * Work refused at once because as much of its kind already waits on this node as it takes on:
 * answered {@code 503 overloaded} with {@code Retry-After}, rather than queued for longer than any
 * client would wait. No stack trace: it is a verdict, not a bug.
 */
public final class OverloadedException extends VertxException {

  private static final long serialVersionUID = 1L;

  public OverloadedException(String message) {
    super(message, true);
  }
}

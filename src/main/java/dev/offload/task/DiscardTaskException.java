package dev.offload.task;

/**
 * Thrown by a handler to fail a task for good, without further attempts (e.g. its input can never
 * work).
 */
public final class DiscardTaskException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public DiscardTaskException(String message) {
    super(message, null, false, false);
  }
}

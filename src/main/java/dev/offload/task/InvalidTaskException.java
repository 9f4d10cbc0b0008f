package dev.offload.task;

/**
 * A submission that cannot become a task. The code says what kind of mistake it is, the message
 * which field and why; the HTTP API answers it with a 400 carrying both. Thrown by the submission
 * path, whoever submits.
 */
public final class InvalidTaskException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public static final String PAYLOAD_TOO_LARGE = "payload_too_large";
  public static final String UNKNOWN_KIND = "unknown_kind";

  private final String code;

  private InvalidTaskException(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  /** No handler for the kind. */
  public static InvalidTaskException unknownKind(String message) {
    return new InvalidTaskException(UNKNOWN_KIND, message);
  }

  /** The kind's handler refused the args (its {@link TaskHandler#validate}). */
  public static InvalidTaskException invalidArgs(String message) {
    return new InvalidTaskException("invalid_args", message);
  }

  /**
   * A submission field (queue, priority, delay...) is missing, of the wrong type or out of range.
   */
  public static InvalidTaskException invalidField(String message) {
    return new InvalidTaskException("invalid_field", message);
  }

  /** The args (or result) are larger than a task may carry; the HTTP API answers 413. */
  public static InvalidTaskException payloadTooLarge(String message) {
    return new InvalidTaskException(PAYLOAD_TOO_LARGE, message);
  }

  /** The same mistake, its message prefixed with where it is (e.g. {@code tasks[3]: }). */
  public InvalidTaskException at(String where) {
    return new InvalidTaskException(code, where + getMessage());
  }

  public String code() {
    return code;
  }
}

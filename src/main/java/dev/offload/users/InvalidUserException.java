package dev.offload.users;

/**
 * A user that breaks the rules of {@code POST /users} (a missing, malformed or too long field). The
 * routes and the {@code users.import} task check users alike: the HTTP API answers it with a 400
 * {@code invalid_field} naming the field, an import records it as the line's error.
 */
public final class InvalidUserException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  InvalidUserException(String message) {
    super(message, null, false, false);
  }

  /** The error code the HTTP API answers it with. */
  public String code() {
    return "invalid_field";
  }
}

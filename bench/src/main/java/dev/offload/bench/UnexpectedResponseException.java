package dev.offload.bench;

/** The server answered, but not as the benchmark expects; the message says what came back. */
final class UnexpectedResponseException extends RuntimeException {

  UnexpectedResponseException(String message) {
    super(message, null, false, false);
  }
}

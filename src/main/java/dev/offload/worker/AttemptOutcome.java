package dev.offload.worker;

/**
 * What a worker reports when a handler returns: the result as JSON text (completed), or the error message
 * (failed: retry if attempts remain; discarded: never retry).
 */
public record AttemptOutcome(Status status, String resultJson, String error) {

  public enum Status { COMPLETED, FAILED, DISCARDED }

  static AttemptOutcome completed(String resultJson) {
    return new AttemptOutcome(Status.COMPLETED, resultJson, null);
  }

  static AttemptOutcome failed(String error) {
    return new AttemptOutcome(Status.FAILED, null, error);
  }

  static AttemptOutcome discarded(String error) {
    return new AttemptOutcome(Status.DISCARDED, null, error);
  }
}

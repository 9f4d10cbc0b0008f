package dev.offload.upstream;

/**
 * An upstream call that produced no answer to relay; the message names the upstream and says why,
 * fit for a client. {@link Kind#FAILED}: connection errors or 5xx after the retries, an open
 * circuit, a body too large; {@link Kind#TIMEOUT}: the last attempt had no complete answer within
 * the timeout; {@link Kind#BUSY}: this node already has as many requests in flight and waiting for
 * that upstream as it allows.
 */
public final class UpstreamFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public enum Kind {
    FAILED,
    TIMEOUT,
    BUSY
  }

  private final Kind kind;

  UpstreamFailure(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}

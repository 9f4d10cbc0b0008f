package dev.offload.support;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Logs a recurring background operation's failures when they start (and again when the reason
 * changes) and once when they stop, instead of once per retry while the database is away.
 */
public final class OutageLog {

  private static final Logger LOG = System.getLogger(OutageLog.class.getName());

  private final String operation;
  private String failure;

  public OutageLog(String operation) {
    this.operation = operation;
  }

  public void failed(Throwable cause) {
    String message = String.valueOf(cause.getMessage());
    if (message.equals(failure)) {
      return;
    }
    failure = message;
    if (DatabaseErrors.isUnavailable(cause)) {
      LOG.log(Level.WARNING, operation + ": database unavailable (" + message + "); retrying");
    } else if (DatabaseErrors.isOverloaded(cause)) {
      LOG.log(Level.WARNING, operation + ": the node is at capacity (" + message + "); retrying");
    } else {
      LOG.log(Level.ERROR, operation + " failed; retrying", cause);
    }
  }

  public void succeeded() {
    if (failure != null) {
      failure = null;
      LOG.log(Level.INFO, operation + ": working again");
    }
  }
}

package dev.offload.support;

import io.vertx.core.VertxException;
import io.vertx.core.impl.NoStackTraceTimeoutException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;

/** Tells "the database is unreachable right now" (retry later, answer 503) from real errors. */
public final class DatabaseErrors {

  /**
   * How vertx-sql-client (SocketConnectionBase, 5.0.10) fails a statement given a connection that
   * closed after the pool handed it out: a plain VertxException, with no type of its own to test.
   */
  private static final String CONNECTION_CLOSED = "Connection is not active now";

  private DatabaseErrors() {}

  public static boolean isUnavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectException
          || t instanceof ClosedConnectionException
          || t instanceof NoStackTraceTimeoutException
          || t instanceof java.io.IOException
          || t instanceof VertxException
              && t.getMessage() != null
              && t.getMessage().startsWith(CONNECTION_CLOSED)) {
        return true;
      }
      // Class 08: connection exceptions; 57P01-57P03: the server is shutting down or starting up.
      if (t instanceof PgException pg
          && pg.getSqlState() != null
          && (pg.getSqlState().startsWith("08") || pg.getSqlState().startsWith("57P"))) {
        return true;
      }
    }
    return false;
  }
}

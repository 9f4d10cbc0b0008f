package dev.offload.support;

import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.impl.NoStackTraceTimeoutException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;

/**
 * Tells "the database is unreachable right now" and "this node has as much waiting as it takes on"
 * (both: retry later, answer 503) from real errors.
 */
public final class DatabaseErrors {

  /**
   * How vertx-sql-client (SocketConnectionBase, 5.0.10) fails a statement given a connection that
   * closed after the pool handed it out: a plain VertxException, with no type of its own to test.
   */
  private static final String CONNECTION_CLOSED = "Connection is not active now";

  /**
   * The pool's failure when a statement waited {@code Database}'s connection timeout for a
   * connection (vertx-sql-client 5.0.10, {@code SqlConnectionPool#execute}): a plain
   * VertxException, told apart by its message only.
   */
  private static final String POOL_WAIT_TIMEOUT = "Timeout waiting for connection";

  private DatabaseErrors() {}

  /**
   * Whether {@code failure} is work refused for want of capacity: the pool's wait queue was full
   * ({@code database.max_wait_queue}), a statement waited too long for a connection, or {@link
   * OverloadedException} (a queue of this node's own was full).
   */
  public static boolean isOverloaded(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof OverloadedException
          || t instanceof ConnectionPoolTooBusyException
          || POOL_WAIT_TIMEOUT.equals(t.getMessage())) {
        return true;
      }
    }
    return false;
  }

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
      // Class 08: connection exceptions; 57P01-57P03: the server is shutting down or starting up;
      // 3D000: no database of that name yet (a node's first start creates it; LISTEN connections
      // opened meanwhile wait for it like any other outage).
      if (t instanceof PgException pg
          && pg.getSqlState() != null
          && (pg.getSqlState().startsWith("08")
              || pg.getSqlState().startsWith("57P")
              || pg.getSqlState().equals("3D000"))) {
        return true;
      }
    }
    return false;
  }
}

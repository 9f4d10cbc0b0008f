package dev.offload.support;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class DatabaseErrorsTest {

  @Test
  void a_refused_or_lost_connection_is_the_database_being_unavailable() {
    assertTrue(DatabaseErrors.isUnavailable(new ConnectException("Connection refused")));
    assertTrue(DatabaseErrors.isUnavailable(ClosedConnectionException.INSTANCE));
    assertTrue(DatabaseErrors.isUnavailable(new RuntimeException(new ConnectException("refused"))));
  }

  /** What a statement fails with when the pool hands out a connection that has just closed. */
  @Test
  void a_statement_on_a_connection_that_closed_meanwhile_is_the_database_being_unavailable() {
    assertTrue(
        DatabaseErrors.isUnavailable(
            VertxException.noStackTrace("Connection is not active now, current status: CLOSED")));
  }

  /** What a LISTEN connection opened at a node's first start meets until the node creates it. */
  @Test
  void a_database_not_created_yet_is_the_database_being_unavailable() {
    assertTrue(
        DatabaseErrors.isUnavailable(
            new PgException("database \"offload\" does not exist", "FATAL", "3D000", null)));
  }

  @Test
  void other_failures_are_not() {
    assertFalse(DatabaseErrors.isUnavailable(VertxException.noStackTrace("something else")));
    assertFalse(DatabaseErrors.isUnavailable(new IllegalStateException("a bug")));
    assertFalse(
        DatabaseErrors.isUnavailable(
            new PgException("duplicate key value", "ERROR", "23505", null)));
  }
}

package dev.offload.store;

import dev.offload.config.DatabaseConfig;
import io.vertx.pgclient.PgConnectOptions;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;

/**
 * Creates the configured database when the server does not have it yet, so that a fresh PostgreSQL
 * needs no {@code createdb} before the first start. Blocking (JDBC): call it off the event loop, as
 * the migrations are.
 */
final class MissingDatabase {

  private static final Logger LOG = System.getLogger(MissingDatabase.class.getName());
  private static final String UNDEFINED_DATABASE = "3D000";
  private static final String DUPLICATE_DATABASE = "42P04";

  /**
   * Two creators racing past PostgreSQL's own name check collide on pg_database's unique index
   * instead.
   */
  private static final String UNIQUE_VIOLATION = "23505";

  /** Every server has it; CREATE DATABASE must be sent from a connection to some other database. */
  private static final String MAINTENANCE_DATABASE = "postgres";

  private MissingDatabase() {}

  /**
   * True when {@code failure} (or a cause) is the server saying that the database does not exist.
   */
  static boolean isCause(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && UNDEFINED_DATABASE.equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Creates {@code config}'s database on its server, with the same credentials, from the
   * maintenance database. Another node creating it at the same moment is fine.
   */
  static void create(DatabaseConfig config) throws SQLException {
    PgConnectOptions options = Database.connectOptions(config);
    String name = options.getDatabase();
    try (Connection connection =
            DriverManager.getConnection(
                Migrations.jdbcUrl(config, MAINTENANCE_DATABASE),
                options.getUser(),
                options.getPassword());
        Statement statement = connection.createStatement()) {
      String quoted = connection.unwrap(PGConnection.class).escapeIdentifier(name);
      statement.execute(DatabaseSql.DATABASE_CREATE.formatted(quoted));
      LOG.log(Level.INFO, "created database " + name);
    } catch (SQLException e) {
      if (!DUPLICATE_DATABASE.equals(e.getSQLState())
          && !UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw e;
      }
    }
  }
}

package dev.offload.testing;

import io.vertx.pgclient.PgConnectOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Creates the database a {@code postgresql://} URL names when the server does not have it yet, so that the
 * tests run on a fresh PostgreSQL without a manual {@code createdb}. Blocking (JDBC, as the migrations).
 */
final class DatabaseCreator {

  private static final String INVALID_CATALOG_NAME = "3D000";
  private static final String DUPLICATE_DATABASE = "42P04";
  /** Two concurrent CREATE DATABASE of one name: the loser may trip over pg_database's unique index. */
  private static final String UNIQUE_VIOLATION = "23505";
  private static final String MAINTENANCE_DATABASE = "postgres";

  private DatabaseCreator() {
  }

  /** Connects to the database; if the server has none of that name, creates it from the maintenance database. */
  static void ensureExists(String url) {
    PgConnectOptions options = PgConnectOptions.fromUri(url);
    // Keep the URL's own parameters (sslmode...), which the JDBC driver understands too.
    String parameters = url.indexOf('?') < 0 ? "" : url.substring(url.indexOf('?') + 1) + "&";
    try (Connection ignored = connect(options, options.getDatabase(), parameters)) {
      return;
    } catch (SQLException e) {
      if (!INVALID_CATALOG_NAME.equals(e.getSQLState())) {
        throw new IllegalStateException("cannot reach the test database " + url, e);
      }
    }
    try (Connection maintenance = connect(options, MAINTENANCE_DATABASE, parameters);
        Statement statement = maintenance.createStatement()) {
      // CREATE DATABASE takes no parameters: the name goes in as a quoted identifier.
      statement.execute("CREATE DATABASE " + quoted(options.getDatabase()));
    } catch (SQLException e) {
      if (!DUPLICATE_DATABASE.equals(e.getSQLState()) && !UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw new IllegalStateException("cannot create the test database " + options.getDatabase()
            + " (connected to '" + MAINTENANCE_DATABASE + "' on the same server)", e);
      }
    }
  }

  private static Connection connect(PgConnectOptions options, String database, String parameters)
      throws SQLException {
    String host = options.getHost().contains(":") ? "[" + options.getHost() + "]" : options.getHost();
    String jdbcUrl = "jdbc:postgresql://" + host + ":" + options.getPort() + "/" + database + "?" + parameters
        + "connectTimeout=5";
    return DriverManager.getConnection(jdbcUrl, options.getUser(), options.getPassword());
  }

  /** A PostgreSQL quoted identifier: in double quotes, each double quote doubled. */
  private static String quoted(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }
}

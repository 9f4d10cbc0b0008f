package dev.offload.store;

import dev.offload.config.DatabaseConfig;
import io.vertx.pgclient.PgConnectOptions;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * Applies the numbered SQL files in {@code db/migration} with Flyway, which holds a PostgreSQL
 * advisory lock while it migrates, so nodes starting at once are safe. Creates the database first
 * when the server does not have it yet. Blocking: call it off the event loop.
 */
public final class Migrations {

  static final String HISTORY_TABLE = "offload_schema_history";

  private Migrations() {}

  public static void apply(DatabaseConfig config) {
    try {
      flyway(config).load().migrate();
    } catch (RuntimeException e) {
      if (!MissingDatabase.isCause(e)) {
        throw e;
      }
      try {
        MissingDatabase.create(config);
      } catch (SQLException creation) {
        throw new IllegalStateException(
            "database "
                + Database.connectOptions(config).getDatabase()
                + " does not exist and cannot be created: "
                + creation.getMessage(),
            creation);
      }
      flyway(config).load().migrate();
    }
  }

  /**
   * Flyway for {@code config}'s schema and the migration files; tests may stop it at an older
   * version.
   */
  static FluentConfiguration flyway(DatabaseConfig config) {
    PgConnectOptions options = Database.connectOptions(config);
    return Flyway.configure()
        .dataSource(
            jdbcUrl(config, options.getDatabase()), options.getUser(), options.getPassword())
        .schemas(config.schema())
        .table(HISTORY_TABLE)
        .locations("classpath:db/migration");
  }

  /** {@code config}'s server as a JDBC URL, connecting to {@code database}. */
  static String jdbcUrl(DatabaseConfig config, String database) {
    PgConnectOptions options = Database.connectOptions(config);
    String host =
        options.getHost().contains(":") ? "[" + options.getHost() + "]" : options.getHost();
    // Keep the URL's own parameters (sslmode...), which the JDBC driver understands too.
    int query = config.url().indexOf('?');
    String parameters = query < 0 ? "" : config.url().substring(query + 1) + "&";
    return "jdbc:postgresql://"
        + host
        + ":"
        + options.getPort()
        + "/"
        + database
        + "?"
        + parameters
        + "connectTimeout=5&ApplicationName=offload-migrations";
  }
}

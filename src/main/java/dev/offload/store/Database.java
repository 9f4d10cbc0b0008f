package dev.offload.store;

import dev.offload.config.DatabaseConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.concurrent.TimeUnit;

/** Connection settings shared by the pool, the LISTEN connection and the migrations. */
public final class Database {

  private static final int CONNECTION_WAIT_SECONDS = 5;
  private static final int PREPARED_STATEMENT_SQL_LIMIT = 16 * 1024;

  private Database() {}

  public static PgConnectOptions connectOptions(DatabaseConfig config) {
    PgConnectOptions options =
        PgConnectOptions.fromUri(config.url())
            .setCachePreparedStatements(true)
            // The default (2,048 characters) left the longest statements, those that end attempts,
            // rescue and cancel, unprepared: parsed and planned anew on every call, a sixth of the
            // time of a batch of outcomes. Their plans are chosen to hold as generic plans.
            .setPreparedStatementCacheSqlLimit(PREPARED_STATEMENT_SQL_LIMIT)
            .setReconnectAttempts(0);
    options.setSslOptions(tls(options.getSslMode(), config));
    // Every connection resolves Offload's tables in its own schema, without qualifying the SQL.
    options.addProperty("search_path", config.schema());
    options.addProperty("application_name", "offload");
    return options;
  }

  /**
   * TLS as libpq's {@code sslmode} means it, which the Vert.x client leaves to its caller: {@code
   * allow}, {@code prefer} and {@code require} encrypt without checking the server's certificate
   * (as the JDBC driver of the migrations does); {@code verify-ca} checks it against {@code
   * sslrootcert}, and {@code verify-full} also checks that it names the host. Null for {@code
   * disable}: no TLS. Without these options the client fails a TLS connection with a
   * NullPointerException.
   */
  private static ClientSSLOptions tls(SslMode mode, DatabaseConfig config) {
    return switch (mode) {
      case DISABLE -> null;
      case ALLOW, PREFER, REQUIRE -> new ClientSSLOptions().setTrustAll(true);
      case VERIFY_CA, VERIFY_FULL ->
          new ClientSSLOptions()
              // Checked at start-up: ConfigValues#databaseUrl.
              .setTrustOptions(
                  new PemTrustOptions().addCertPath(config.sslRootCert().orElseThrow()))
              .setHostnameVerificationAlgorithm(mode == SslMode.VERIFY_FULL ? "HTTPS" : "");
    };
  }

  public static Pool pool(Vertx vertx, DatabaseConfig config) {
    PoolOptions poolOptions =
        new PoolOptions()
            .setMaxSize(config.poolSize())
            // Beyond this many waiting statements, more are refused at once (503 overloaded):
            // a longer queue only makes every request in it slower.
            .setMaxWaitQueueSize(config.maxWaitQueue())
            .setName("offload-" + config.schema())
            // Fail fast rather than queue forever when the database is gone: task routes answer
            // 503.
            .setConnectionTimeout(CONNECTION_WAIT_SECONDS)
            .setConnectionTimeoutUnit(TimeUnit.SECONDS);
    return PgBuilder.pool()
        .with(poolOptions)
        .connectingTo(connectOptions(config))
        .using(vertx)
        .build();
  }
}

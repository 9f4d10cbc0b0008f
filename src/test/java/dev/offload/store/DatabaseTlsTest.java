package dev.offload.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.config.DatabaseConfig;
import dev.offload.testing.PgTestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The URL's sslmode reaches the connections, as libpq means it, against the real PostgreSQL. */
class DatabaseTlsTest {

  private Vertx vertx;
  private Pool pool;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void close() {
    if (pool != null) {
      pool.close().await();
    }
    vertx.close().await();
  }

  private static DatabaseConfig config(String parameters) {
    String url = PgTestDatabase.URL + (PgTestDatabase.URL.contains("?") ? "&" : "?") + parameters;
    return new DatabaseConfig(
        url, "public", 1, PgTestDatabase.MAX_WAIT_QUEUE, Duration.ofSeconds(1));
  }

  private SqlConnection connect(DatabaseConfig config) {
    pool = Database.pool(vertx, config);
    return pool.getConnection().await();
  }

  /** Whether the test server accepts TLS at all: the tests below expect what it does. */
  private boolean serverHasTls() {
    SqlConnection plain = connect(config("sslmode=disable"));
    try {
      return "on".equals(plain.query("SHOW ssl").execute().await().iterator().next().getString(0));
    } finally {
      plain.close().await();
      pool.close().await();
      pool = null;
    }
  }

  @Test
  void sslmode_require_reaches_the_connect_options_and_trusts_any_certificate() {
    PgConnectOptions options = Database.connectOptions(config("sslmode=require"));

    assertEquals(SslMode.REQUIRE, options.getSslMode());
    assertTrue(options.getSslOptions().isTrustAll());
    assertEquals("offload", options.getProperties().get("application_name"));
  }

  @Test
  void without_sslmode_there_is_no_tls() {
    PgConnectOptions options = Database.connectOptions(config("application_name=x"));

    assertEquals(SslMode.DISABLE, options.getSslMode());
    assertNull(options.getSslOptions());
  }

  @Test
  void sslmode_verify_full_trusts_the_root_certificate_and_checks_the_host_name()
      throws URISyntaxException {
    String rootCert =
        Path.of(DatabaseTlsTest.class.getResource("/tls/server-cert.pem").toURI()).toString();

    PgConnectOptions options =
        Database.connectOptions(config("sslmode=verify-full&sslrootcert=" + rootCert));

    assertEquals(SslMode.VERIFY_FULL, options.getSslMode());
    assertFalse(options.getSslOptions().isTrustAll());
    assertEquals(
        List.of(rootCert),
        ((PemTrustOptions) options.getSslOptions().getTrustOptions()).getCertPaths());
    assertEquals("HTTPS", options.getSslOptions().getHostnameVerificationAlgorithm());
  }

  @Test
  void sslmode_require_connects_only_over_tls() {
    boolean tls = serverHasTls();
    DatabaseConfig require = config("sslmode=require");

    if (tls) {
      SqlConnection connection = connect(require);
      assertTrue(
          connection
              .query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
              .execute()
              .await()
              .iterator()
              .next()
              .getBoolean(0));
      connection.close().await();
    } else {
      Exception refused = assertThrows(Exception.class, () -> connect(require));
      assertEquals("Postgres Server does not handle SSL connection", refused.getMessage());
    }
  }

  @Test
  void sslmode_prefer_falls_back_to_plain_when_the_server_has_no_tls() {
    SqlConnection connection = connect(config("sslmode=prefer"));

    assertEquals(1, connection.query("SELECT 1").execute().await().iterator().next().getInteger(0));
    connection.close().await();
  }
}

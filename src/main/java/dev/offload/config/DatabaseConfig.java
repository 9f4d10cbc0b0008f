package dev.offload.config;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The PostgreSQL database: a {@code postgresql://} URL (its {@code sslmode} and {@code sslrootcert}
 * parameters choose TLS), the schema holding Offload's tables, the pool size, how many statements
 * may wait for one of its connections ({@code maxWaitQueue}; more are refused at once), and how
 * often to try again while the database is unreachable.
 */
public record DatabaseConfig(
    String url, String schema, int poolSize, int maxWaitQueue, Duration retryInterval) {

  /**
   * The URL's {@code sslrootcert} parameter, as libpq and the JDBC driver read it: the PEM file of
   * the certificate authorities that {@code sslmode=verify-ca} and {@code verify-full} trust.
   */
  public Optional<String> sslRootCert() {
    return sslRootCert(url);
  }

  static Optional<String> sslRootCert(String url) {
    List<String> values = new QueryStringDecoder(url).parameters().get("sslrootcert");
    return values == null ? Optional.empty() : Optional.of(values.get(0));
  }

  /**
   * The LISTEN/NOTIFY channel, per schema so that installations sharing a database do not wake each
   * other.
   */
  public String notifyChannel() {
    return "offload_task_" + schema;
  }

  /**
   * The channel on which a node is told (payload: its id) that an admin changed its desired
   * workers.
   */
  public String adminChannel() {
    return "offload_admin_" + schema;
  }

  /** The channel on which nodes tell each other which tasks changed, for the event streams. */
  public String eventChannel() {
    return "offload_events_" + schema;
  }

  /** The channel on which a cancelled running task's id is announced to the node running it. */
  public String cancelChannel() {
    return "offload_cancel_" + schema;
  }
}

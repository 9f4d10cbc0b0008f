package dev.offload.config;

/**
 * The HTTP verticles: where they listen, how many run, how much body a request may carry, and the
 * bearer token required by state-changing routes (empty: none required, and admin routes are off),
 * the largest upload a streaming route (an import) accepts, and the limits on connections.
 */
public record HttpConfig(
    String host,
    int port,
    int instances,
    int bodyLimit,
    int acceptBacklog,
    String apiToken,
    long uploadLimit,
    ConnectionConfig connections) {

  public boolean hasApiToken() {
    return !apiToken.isEmpty();
  }

  /** Never prints the token. */
  @Override
  public String toString() {
    return "HttpConfig[host="
        + host
        + ", port="
        + port
        + ", instances="
        + instances
        + ", bodyLimit="
        + bodyLimit
        + ", acceptBacklog="
        + acceptBacklog
        + ", apiToken="
        + (hasApiToken() ? "***" : "")
        + ", uploadLimit="
        + uploadLimit
        + ", connections="
        + connections
        + "]";
  }
}

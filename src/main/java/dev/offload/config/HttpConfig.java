package dev.offload.config;

import java.util.List;
import java.util.Optional;

/**
 * The HTTP verticles: where they listen, how many run, how much body a request may carry, the
 * bearer tokens that guard the routes (none: no route needs one, and admin routes are off), and the
 * largest upload a streaming route (an import) accepts, TLS if it is on, and the browser origins
 * allowed to call the API (CORS; none by default), and the limits on connections. Its string form
 * shows the tokens' names and scopes, never their secrets.
 */
public record HttpConfig(
    String host,
    int port,
    int instances,
    int bodyLimit,
    int acceptBacklog,
    ApiTokens tokens,
    long uploadLimit,
    Optional<ServerTls> tls,
    List<String> corsOrigins,
    ConnectionConfig connections) {}

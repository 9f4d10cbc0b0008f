package dev.offload.config;

import java.util.Optional;

/**
 * The HTTP verticles: where they listen, how many run, how much body a request may carry, the
 * bearer tokens that guard the routes (none: no route needs one, and admin routes are off), and the
 * largest upload a streaming route (an import) accepts, and TLS if it is on. Its string form shows
 * the tokens' names and scopes, never their secrets.
 */
public record HttpConfig(
    String host,
    int port,
    int instances,
    int bodyLimit,
    int acceptBacklog,
    ApiTokens tokens,
    long uploadLimit,
    Optional<ServerTls> tls) {}

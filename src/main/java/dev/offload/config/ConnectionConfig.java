package dev.offload.config;

import java.time.Duration;

/**
 * How long a client may take and how many connections it may hold: the defence against clients that
 * connect and never finish (slowloris), and against more connections than the process has file
 * descriptors for.
 *
 * @param headerTimeout from a connection's opening to the end of its first request's headers
 * @param keepAliveTimeout from the end of a response to the end of the next request's headers
 * @param bodyTimeout from the end of a request's headers to the end of its body
 * @param idleTimeout the longest a connection may pass with no byte moving either way, such as a
 *     pause inside a body
 * @param maxConnections open connections served fully; beyond, see {@code healthConnections}
 * @param maxConnectionsPerClient open connections from one client address
 * @param healthConnections connections beyond {@code maxConnections} that may only ask for {@code
 *     /health} and {@code /ready}, so a full node can still be probed
 */
public record ConnectionConfig(
    Duration headerTimeout,
    Duration keepAliveTimeout,
    Duration bodyTimeout,
    Duration idleTimeout,
    int maxConnections,
    int maxConnectionsPerClient,
    int healthConnections) {}

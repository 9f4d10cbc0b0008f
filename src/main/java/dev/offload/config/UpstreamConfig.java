package dev.offload.config;

import java.net.URI;
import java.time.Duration;

/**
 * One named upstream that {@code GET /fetch-data/{name}/...} may call, and only under {@code
 * baseUrl}: how long one attempt may take ({@code timeout}), how many times a failed GET is tried
 * again ({@code retries}), how many requests this node sends it at once ({@code maxConcurrency}),
 * and its circuit breaker: open after {@code breakerFailures} failed calls in a row, for {@code
 * breakerReset} before one call may test it again.
 *
 * @param baseUrl absolute http(s) URL without user info, query or fragment, and without a trailing
 *     slash
 */
public record UpstreamConfig(
    String name,
    URI baseUrl,
    Duration timeout,
    int retries,
    int maxConcurrency,
    int breakerFailures,
    Duration breakerReset) {}

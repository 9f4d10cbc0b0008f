package dev.offload.config;

import java.time.Duration;

/**
 * How tasks run: the lease a node holds on a running attempt (renewed while it runs), the polling
 * fallback behind LISTEN/NOTIFY, defaults for submissions, how many single submissions each HTTP
 * instance takes on at once ({@code submitQueue}; more are refused), the retry backoff, how often
 * progress is saved, how long finished tasks are kept (pruned every {@code retentionInterval}), and
 * the largest args (and result) a task may carry, as JSON bytes.
 */
public record TaskConfig(
    Duration lease,
    Duration pollInterval,
    Duration defaultTimeout,
    int defaultMaxAttempts,
    int submitQueue,
    Duration retryBase,
    Duration retryCap,
    Duration progressInterval,
    Duration retention,
    Duration retentionInterval,
    int payloadLimit) {}

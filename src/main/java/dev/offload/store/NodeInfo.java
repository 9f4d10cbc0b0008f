package dev.offload.store;

import java.time.Instant;

/**
 * A node as registered: {@code desiredWorkers} is null unless an admin asked for another worker
 * count.
 */
public record NodeInfo(
    String id,
    String role,
    Instant startedAt,
    Instant heartbeatAt,
    int workers,
    Integer desiredWorkers,
    int runningAttempts) {}

package dev.offload.store;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A registered remote worker: the kinds it runs, the queues it takes them from, how many attempts
 * it runs at once, the node it registered through, and when it was last seen. {@code running}: the
 * attempts it holds, where counted (a listing), else 0.
 */
public record RemoteWorker(
    UUID id,
    String name,
    List<String> kinds,
    List<String> queues,
    int concurrency,
    String node,
    Instant registeredAt,
    Instant lastSeenAt,
    int running) {}

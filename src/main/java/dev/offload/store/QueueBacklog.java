package dev.offload.store;

import java.time.Instant;

/** The tasks due in one queue: how many, and when the oldest of them fell due. */
public record QueueBacklog(String queue, long due, Instant oldestDueAt) {}

package dev.offload.store;

import dev.offload.task.Task;
import java.time.Instant;
import java.util.UUID;

/**
 * An attempt a remote worker holds: its task (as claimed: without result or errors), the worker,
 * the lease token every call about it must carry, and when that lease expires unless renewed.
 */
public record RemoteAttempt(Task task, UUID workerId, UUID leaseToken, Instant leaseExpiresAt) {}

package dev.offload.store;

import java.time.Instant;
import java.util.UUID;

/**
 * A remote worker's lease renewed: on which task, by which token, until when, and whether the
 * task's cancellation was requested.
 */
public record LeaseRenewal(
    UUID taskId, UUID leaseToken, Instant expiresAt, boolean cancelRequested) {}

package dev.offload.store;

import java.util.UUID;

/** One attempt a remote worker waits for: a claim gives it at most one task. */
public record RemoteSlot(UUID workerId, String name) {}

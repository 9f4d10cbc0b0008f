package dev.offload.store;

import java.util.UUID;

/** The latest progress of a running attempt. */
public record ProgressReport(UUID taskId, int attempt, double progress) {}

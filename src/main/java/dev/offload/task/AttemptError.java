package dev.offload.task;

import java.time.Instant;

/** Why one attempt failed; a task keeps one per failed attempt. */
public record AttemptError(Instant at, int attempt, String message) {}

package dev.offload.config;

/** The worker verticles of this node; each instance runs one attempt at a time. */
public record WorkerConfig(int instances) {
}

package dev.offload.config;

/**
 * How many attempts this node runs at once: one per worker verticle instance for blocking handlers,
 * and up to {@code asyncConcurrency} of asynchronous handlers on the dispatcher's event loop.
 */
public record WorkerConfig(int instances, int asyncConcurrency) {}

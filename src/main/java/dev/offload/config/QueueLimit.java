package dev.offload.config;

/**
 * How many attempts of one queue may run at once: on each node ({@code concurrency}) and over all
 * nodes together ({@code globalConcurrency}); null means no limit of that kind.
 */
public record QueueLimit(Integer concurrency, Integer globalConcurrency) {}

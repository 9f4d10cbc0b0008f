package dev.offload.config;

/** The whole, validated configuration of one node. */
public record OffloadConfig(
    String nodeId, HttpConfig http, DatabaseConfig database, WorkerConfig worker, TaskConfig tasks) {
}

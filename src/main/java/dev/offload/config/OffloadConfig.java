package dev.offload.config;

import java.util.Map;

/** The whole, validated configuration of one node; {@code queues} holds the queues with a concurrency limit. */
public record OffloadConfig(
    NodeConfig node, HttpConfig http, DatabaseConfig database, WorkerConfig worker, TaskConfig tasks,
    Map<String, QueueLimit> queues) {

  public String nodeId() {
    return node.id();
  }
}

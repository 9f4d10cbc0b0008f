package dev.offload.config;

/** The whole, validated configuration of one node. */
public record OffloadConfig(
    NodeConfig node, HttpConfig http, DatabaseConfig database, WorkerConfig worker, TaskConfig tasks) {

  public String nodeId() {
    return node.id();
  }
}

package dev.offload.config;

import java.util.Map;

/**
 * The whole, validated configuration of one node; {@code queues} holds the queues with a
 * concurrency limit, {@code upstreams} the only services {@code /fetch-data} may call, both by
 * name, and {@code allowedHosts} the hosts tasks may call.
 */
public record OffloadConfig(
    NodeConfig node,
    HttpConfig http,
    DatabaseConfig database,
    WorkerConfig worker,
    TaskConfig tasks,
    Map<String, QueueLimit> queues,
    Map<String, UpstreamConfig> upstreams,
    AllowedHosts allowedHosts) {

  public String nodeId() {
    return node.id();
  }
}

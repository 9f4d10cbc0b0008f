package dev.offload.config;

import dev.offload.support.LogFormat;
import java.util.Map;

/**
 * The whole, validated configuration of one node; {@code queues} holds the queues with a
 * concurrency limit, {@code upstreams} the only services {@code /fetch-data} may call, both by
 * name, {@code allowedHosts} the hosts tasks may call, and {@code logFormat} how the node writes
 * its log.
 */
public record OffloadConfig(
    NodeConfig node,
    HttpConfig http,
    DatabaseConfig database,
    WorkerConfig worker,
    TaskConfig tasks,
    Map<String, QueueLimit> queues,
    Map<String, UpstreamConfig> upstreams,
    AllowedHosts allowedHosts,
    LogFormat logFormat) {

  public String nodeId() {
    return node.id();
  }
}

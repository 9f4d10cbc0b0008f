package dev.offload.config;

import dev.offload.support.LogFormat;
import java.time.Duration;
import java.util.Map;

/**
 * The whole, validated configuration of one node; {@code queues} holds the queues with a
 * concurrency limit, {@code upstreams} the only services {@code /fetch-data} may call, both by
 * name, {@code allowedHosts} the hosts tasks may call, {@code logFormat} how the node writes its
 * log, and {@code queueMetricsInterval} how often it counts the waiting tasks of each queue for its
 * gauges.
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
    LogFormat logFormat,
    Duration queueMetricsInterval) {

  public String nodeId() {
    return node.id();
  }
}

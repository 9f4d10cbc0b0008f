package dev.offload.upstream;

import dev.offload.config.UpstreamConfig;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The configured upstreams by name: the only services {@code /fetch-data} can reach. Each HTTP
 * verticle makes its own, so each has its own circuit breakers; their connection pools, and so
 * {@code max_concurrency}, are shared by the node.
 */
public final class Upstreams {

  private final Map<String, Upstream> byName;

  private Upstreams(Map<String, Upstream> byName) {
    this.byName = byName;
  }

  /** One {@link Upstream} per config, on the calling context (an HTTP verticle's). */
  public static Upstreams create(Vertx vertx, Map<String, UpstreamConfig> configs) {
    return new Upstreams(
        configs.values().stream()
            .collect(
                Collectors.toUnmodifiableMap(
                    UpstreamConfig::name, config -> Upstream.create(vertx, config))));
  }

  public Optional<Upstream> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }
}

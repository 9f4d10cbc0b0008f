package dev.offload.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.Set;

/**
 * Vert.x with its Micrometer metrics, JVM meters included, in a Prometheus registry of the node's
 * own. HTTP requests are measured by {@link HttpRequestMetrics} instead of Vert.x's HTTP server
 * metrics, at a fraction of their cost.
 */
public final class Metrics {

  private Metrics() {}

  public static PrometheusMeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /** A builder of that Vert.x, for the caller to add to (tracing) before building it. */
  public static VertxBuilder vertx(VertxOptions options, PrometheusMeterRegistry registry) {
    options.setMetricsOptions(
        new MicrometerMetricsOptions()
            .setEnabled(true)
            .setJvmMetricsEnabled(true)
            .setDisabledMetricsCategories(Set.of(MetricsDomain.HTTP_SERVER.toCategory())));
    return Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry));
  }
}

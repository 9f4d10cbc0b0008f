package dev.offload.tracing;

import dev.offload.config.ConfigException;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.vertx.core.VertxBuilder;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.util.List;
import java.util.Map;

/**
 * A node's tracing: off unless the standard {@code OTEL_*} variables ask for it, and then
 * OpenTelemetry in Vert.x (HTTP server and client requests, SQL statements made while a span is
 * current) and in the attempts ({@link AttemptTracing}). Off, Vert.x has no tracer at all and the
 * attempts get {@link AttemptSpan#NONE}: the hot paths cost what they cost without tracing. See
 * docs/operations.md#tracing.
 */
public final class Tracing {

  /** The name every span of Offload's own is made by. */
  static final String INSTRUMENTATION = "dev.offload";

  private static final Tracing OFF = new Tracing(null);

  /** Variables that ask for traces: an exporter other than {@code none}, or where to send them. */
  private static final List<String> REQUESTS =
      List.of(
          "OTEL_TRACES_EXPORTER",
          "OTEL_EXPORTER_OTLP_ENDPOINT",
          "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");

  /**
   * Defaults under the variables: Offload's name; OTLP over HTTP (the protocol the specification
   * recommends, and the one the JDK's HTTP client sends: the Java SDK's own default, gRPC, would
   * need OkHttp); and no OpenTelemetry metrics or logs (the node serves its meters on /metrics and
   * writes its own logs), unless the variables say otherwise.
   */
  private static final Map<String, String> DEFAULTS =
      Map.of(
          "otel.service.name", "offload",
          "otel.exporter.otlp.protocol", "http/protobuf",
          "otel.metrics.exporter", "none",
          "otel.logs.exporter", "none");

  private final OpenTelemetry openTelemetry;
  private final AttemptTracing attempts;

  private Tracing(OpenTelemetry openTelemetry) {
    this.openTelemetry = openTelemetry;
    this.attempts =
        openTelemetry == null
            ? AttemptTracing.OFF
            : new AttemptTracing(openTelemetry.getTracer(INSTRUMENTATION));
  }

  public static Tracing off() {
    return OFF;
  }

  /** Tracing with an SDK set up by the caller: an embedding application's, or a test's. */
  public static Tracing with(OpenTelemetry openTelemetry) {
    return new Tracing(openTelemetry);
  }

  /**
   * From the environment: off unless {@link #requested}; then the SDK as OpenTelemetry's
   * autoconfigure module sets it up from every {@code OTEL_*} variable (exporter, endpoint,
   * sampler, service name, resource attributes, propagators, batching), flushed by its own shutdown
   * hook when the JVM exits.
   *
   * @throws ConfigException when the variables describe no SDK that can be built
   */
  public static Tracing fromEnvironment(Map<String, String> env) {
    if (!requested(env)) {
      return OFF;
    }
    try {
      return new Tracing(
          AutoConfiguredOpenTelemetrySdk.builder()
              .addPropertiesSupplier(() -> DEFAULTS)
              .build()
              .getOpenTelemetrySdk());
    } catch (RuntimeException e) {
      Throwable cause = e;
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      throw new ConfigException("tracing (OTEL_* variables): " + cause.getMessage());
    }
  }

  /**
   * Whether {@code env} asks for traces: {@code OTEL_TRACES_EXPORTER} names an exporter other than
   * {@code none}, or an OTLP endpoint is given; and {@code OTEL_SDK_DISABLED} is not {@code true}.
   */
  static boolean requested(Map<String, String> env) {
    if ("true".equalsIgnoreCase(env.getOrDefault("OTEL_SDK_DISABLED", "").strip())) {
      return false;
    }
    String exporter = env.getOrDefault("OTEL_TRACES_EXPORTER", "").strip();
    if (exporter.equalsIgnoreCase("none")) {
      return false;
    }
    return REQUESTS.stream().anyMatch(name -> !env.getOrDefault(name, "").isBlank());
  }

  public boolean isOn() {
    return openTelemetry != null;
  }

  /** {@code builder} with Vert.x's OpenTelemetry tracer when on; untouched when off. */
  public VertxBuilder install(VertxBuilder builder) {
    return openTelemetry == null
        ? builder
        : builder.withTracer(new OpenTelemetryTracingFactory(openTelemetry));
  }

  /** The spans of the attempts this node runs, or that workers elsewhere run for it. */
  public AttemptTracing attempts() {
    return attempts;
  }
}

package dev.offload.bench;

import io.vertx.core.json.JsonObject;

/**
 * The figures of one closed-loop run. CPU figures are percent of one core over the measured window; the server's is
 * null when its pid was not given. {@code errors} counts everything that went wrong, warm-up included: connections
 * that could not be opened and requests that failed.
 */
record LoadResult(int connections, int opened, long ok, int errors, double seconds, Double p50Millis,
    Double p99Millis, Double maxMillis, Double clientCpuPercent, Double serverCpuPercent) {

  double requestsPerSecond() {
    return seconds <= 0 ? 0 : round1(ok / seconds);
  }

  /** The figures under {@code prefix} (e.g. {@code ceiling_}), so two runs fit in one result line. */
  JsonObject putInto(JsonObject json, String prefix) {
    return json
      .put(prefix + "connections_opened", opened)
      .put(prefix + "ok", ok)
      .put(prefix + "errors", errors)
      .put(prefix + "seconds", round3(seconds))
      .put(prefix + "requests_per_s", requestsPerSecond())
      .put(prefix + "p50_ms", p50Millis)
      .put(prefix + "p99_ms", p99Millis)
      .put(prefix + "max_ms", maxMillis)
      .put(prefix + "client_cpu_pct", clientCpuPercent)
      .put(prefix + "server_cpu_pct", serverCpuPercent);
  }

  static double round1(double value) {
    return Math.round(value * 10.0) / 10.0;
  }

  static double round3(double value) {
    return Math.round(value * 1000.0) / 1000.0;
  }
}

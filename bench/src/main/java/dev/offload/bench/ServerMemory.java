package dev.offload.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The server's memory, read from outside: its resident set from {@code /proc/PID/status} (same machine) and its
 * Java heap in use from its Prometheus {@code /metrics} ({@code jvm_memory_used_bytes} of the heap pools, summed),
 * sampled on a timer while a load runs; the peak of each is kept. MiB throughout. A sample that cannot be read
 * leaves its figure out, never a fake 0.
 */
final class ServerMemory {

  private static final double MIB = 1024.0 * 1024.0;
  private static final long SCRAPE_TIMEOUT_MILLIS = 5_000;

  /** One reading; either may be null (unreadable). */
  record Sample(Double rssMib, Double heapMib) {
  }

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final int pid;
  private final String metricsUrl;
  private double peakRss;
  private double peakHeap;
  private Double heapMax;
  private long timer = -1;
  private boolean scraping;

  ServerMemory(Vertx vertx, HttpClientAgent client, int pid, String metricsUrl) {
    this.vertx = vertx;
    this.client = client;
    this.pid = pid;
    this.metricsUrl = metricsUrl;
  }

  /** Reads both figures now; they count towards the peaks. */
  Future<Sample> sample() {
    Double rss = rssMib();
    return scrape().map(metrics -> {
      Double heap = sum(metrics, "jvm_memory_used_bytes{");
      synchronized (this) {
        heapMax = sum(metrics, "jvm_memory_max_bytes{");
        peakRss = Math.max(peakRss, rss == null ? 0 : rss);
        peakHeap = Math.max(peakHeap, heap == null ? 0 : heap);
      }
      return new Sample(rss, heap);
    });
  }

  /** Samples every {@code periodMillis} until {@link #stop}; a scrape still running skips its turn. */
  void start(long periodMillis) {
    timer = vertx.setPeriodic(periodMillis, tick -> {
      if (!scraping) {
        scraping = true;
        sample().onComplete(done -> scraping = false);
      }
    });
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  /**
   * The figures under {@code rss_} and {@code heap_}: before, the peak while sampling, after, and the heap's maximum;
   * {@code rss_added_mib}: the peak over before.
   */
  synchronized JsonObject figures(Sample before, Sample after) {
    Double peak = peakRss == 0 ? null : LoadResult.round1(peakRss);
    return new JsonObject()
      .put("rss_before_mib", before.rssMib())
      .put("rss_peak_mib", peak)
      .put("rss_added_mib", peak == null || before.rssMib() == null ? null
        : LoadResult.round1(peak - before.rssMib()))
      .put("rss_after_mib", after.rssMib())
      .put("heap_before_mib", before.heapMib())
      .put("heap_peak_mib", peakHeap == 0 ? null : LoadResult.round1(peakHeap))
      .put("heap_after_mib", after.heapMib())
      .put("heap_max_mib", heapMax);
  }

  private Double rssMib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return LoadResult.round1(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0);
        }
      }
    } catch (IOException | NumberFormatException e) {
      System.err.println("server memory: cannot read VmRSS of " + pid + ": " + e);
    }
    return null;
  }

  /** The metrics page, or an empty one when the server does not answer in time (logged). */
  private Future<String> scrape() {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(metricsUrl)
      .setTimeout(SCRAPE_TIMEOUT_MILLIS);
    return Http.exchange(client, options, null, 200).map(Buffer::toString).otherwise(failed -> {
      System.err.println("server memory: cannot read " + metricsUrl + ": " + failed);
      return "";
    });
  }

  /** Sum of the heap pools' values of a metric, in MiB; null if the page has none. */
  private static Double sum(String metrics, String prefix) {
    double bytes = 0;
    boolean found = false;
    for (String line : metrics.split("\n")) {
      if (line.startsWith(prefix) && line.contains("area=\"heap\"")) {
        double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        if (value >= 0) {
          bytes += value;
          found = true;
        }
      }
    }
    return found ? LoadResult.round1(bytes / MIB) : null;
  }
}

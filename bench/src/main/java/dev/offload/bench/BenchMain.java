package dev.offload.bench;

import dev.offload.bench.Options.UsageException;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Command line of the load generator. A benchmark prints exactly one JSON line on stdout (logs go to stderr) and
 * exits 1 if any request failed, 2 on a usage mistake; {@code summarize} turns result files into markdown.
 */
public final class BenchMain {

  private static final String USAGE = """
    usage: java -jar offload-bench.jar COMMAND [--option value ...]
      burst          --url URL --requests N [--timeout-s T (default 120)] [--open-via URL]
                     --open-via: first open the N connections with a burst to URL (e.g. /health), so
                     the measured burst runs on open connections
                     N concurrent GETs, one connection each; non-200 answers count as errors
      submit-latency --base URL --requests N
                     N sequential POST /tasks of a noop on one connection, after 50 uncounted warm-up requests
      sleep-e2e      --base URL --runs N --seconds S
                     N times: submit a sleep task of S seconds and poll GET /tasks/{id} until completed
      summarize      FILE
                     markdown table (median, min-max) of the JSON result lines in FILE
    """;

  private static final int DEFAULT_BURST_TIMEOUT_SECONDS = 120;

  private BenchMain() {
  }

  public static void main(String[] args) {
    int status;
    try {
      status = run(args);
    } catch (UsageException e) {
      System.err.println("error: " + e.getMessage());
      System.err.print(USAGE);
      status = 2;
    }
    System.exit(status);
  }

  private static int run(String[] args) {
    if (args.length == 0) {
      throw new UsageException("no command");
    }
    if (args[0].equals("summarize")) {
      return summarize(args);
    }
    Options options = new Options(args, 1);
    // Options are all read before Vert.x starts, so a usage mistake costs nothing.
    Function<Vertx, Benchmark> benchmark = switch (args[0]) {
      case "burst" -> {
        String url = options.string("url");
        int requests = options.positiveInt("requests");
        int timeoutSeconds = options.positiveInt("timeout-s", DEFAULT_BURST_TIMEOUT_SECONDS);
        String openVia = options.optionalString("open-via");
        yield vertx -> new BurstBenchmark(vertx, url, requests, timeoutSeconds, openVia);
      }
      case "submit-latency" -> {
        String base = options.string("base");
        int requests = options.positiveInt("requests");
        yield vertx -> new SubmitLatencyBenchmark(vertx, base, requests);
      }
      case "sleep-e2e" -> {
        String base = options.string("base");
        int runs = options.positiveInt("runs");
        double seconds = options.positiveDouble("seconds");
        yield vertx -> new SleepEndToEndBenchmark(vertx, base, runs, seconds);
      }
      default -> throw new UsageException("unknown command: " + args[0]);
    };
    options.rejectUnknown();
    return runBenchmark(benchmark);
  }

  private static int runBenchmark(Function<Vertx, Benchmark> benchmark) {
    Vertx vertx = Vertx.vertx();
    try {
      // The main thread is not a Vert.x thread, so it may block on the result.
      JsonObject result = benchmark.apply(vertx).run().await();
      System.out.println(result.encode());
      return result.getInteger("errors") == 0 ? 0 : 1;
    } catch (Exception e) {
      // Failed requests are counted, not thrown: this is the benchmark itself breaking (e.g. out of descriptors).
      // await() rethrows the cause as is, checked or not.
      System.err.println("error: the benchmark could not run: " + e);
      return 1;
    } finally {
      vertx.close().await();
    }
  }

  private static int summarize(String[] args) {
    if (args.length != 2) {
      throw new UsageException("summarize takes exactly one FILE");
    }
    Path file = Path.of(args[1]);
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      System.err.println("error: cannot read " + file + ": " + e);
      return 1;
    }
    List<JsonObject> runs = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      try {
        runs.add(new JsonObject(lines.get(i)));
      } catch (DecodeException e) {
        System.err.printf("error: %s line %d is not a JSON object: %s%n", file, i + 1, lines.get(i));
        return 1;
      }
    }
    System.out.print(Summary.markdownTable(runs));
    return 0;
  }
}

package dev.offload.bench;

import dev.offload.bench.Options.UsageException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Command line of the load generator. A benchmark prints exactly one JSON line on stdout (logs go to stderr) and
 * exits 1 if anything failed, 2 on a usage mistake; {@code summarize}, {@code targets}, {@code check} and
 * {@code ratio} read such lines back for the report.
 */
public final class BenchMain {

  private static final String USAGE = """
    usage: java -jar offload-bench.jar COMMAND [--option value ...]
      throughput     --url URL --connections C
                     (--duration-s S [--warmup-s W (2)] [--stagger-s T] | --rounds R [--warmup-rounds W (1)])
                     [--method GET] [--body JSON | --body-file FILE] [--expect STATUS (200)] [--id-range MIN-MAX]
                     [--timeout-s T (60)] [--ideal-rps X] [--items-per-request K] [--server-pid PID]
                     C keep-alive connections (opened first, not measured), each sending requests back to back:
                     requests/s, p50/p99, errors. --duration-s: what completes in a window of S s after W s of
                     warm-up; --rounds: R requests per connection after W uncounted ones, rate = all / time to the
                     last answer. --stagger-s: connection i starts after i/C of T s (steady arrivals instead of
                     waves of C). {id} in the URL's path is drawn from --id-range for each request.
                     --server-pid: also the server's CPU use over the measured window (from /proc, same machine)
      plain-route    --url URL --ceiling-url URL --connections C --duration-s S [--warmup-s W (2)]
                     [--server-pid PID] [--ceiling-pid PID]
                     throughput of URL, then of the ceiling (bench's MinimalServer), after an uncounted pass on
                     each: the first as % of the second, raw and per server CPU-second (needs both pids)
      overload       --url URL --rate R --duration-s S --server-pid PID --metrics-url URL [--method POST]
                     [--body JSON | --body-file FILE] [--expect STATUS (202)] [--refused-code CODE (overloaded)]
                     [--connections C (1000)] [--timeout-s T (10)] [--settle-s P (5)] [--warmup-s W (0)]
                     R requests/s on schedule (open loop) for W s uncounted, then S s, over C connections opened
                     first; a due request
                     that finds no idle connection waits for one, its latency counted from when it was due. The
                     expected status and 503s (each must carry CODE and Retry-After) in latency histograms of
                     their own; anything else is an error. The server's VmRSS (/proc) and heap in use (its
                     /metrics) before, at their peak (sampled every 0.5 s), and P s after the load
      connections    --url URL --count N --marker FILE [--timeout-s T (120)]
                     opens N connections, sends one GET on each, writes FILE once all N wait, awaits the answers
      enqueue-latency --base URL --tasks N [--background-rate R] [--poll-ms P (2)] [--kind K (noop)]
                     N noop tasks one at a time, each awaited until it starts: created_at -> attempted_at
                     percentiles; --background-rate: meanwhile R other noop submissions per second; --kind:
                     tasks of kind K instead (a remote worker's kind), with {} as args
      wear-snapshot  --base URL --database-url URL --rate R --window-s W --before-windows B --hold-s H
                     --after-windows A --windows-file FILE [--warmup-s S (30)] [--autovacuum-naptime-s N]
                     R noop tasks/s (open loop) for S uncounted s, then B windows of W s; a repeatable-read
                     transaction then holds its snapshot for H s; A windows after it. Per window (a JSON line
                     appended to FILE): created_at -> attempted_at p50/p99/max of the tasks sent in it (read from
                     the database after the load), dead tuples of the task tables at its end, autovacuum runs
      wear-retention --base URL --database-url URL --rate R --window-s W --before-windows B --after-windows A
                     --oldest UUID --newest UUID --cap-s C --locked-marker FILE --windows-file FILE
                     [--warmup-s S (30)] [--autovacuum-naptime-s N]
                     takes the retention lock, writes the marker, waits for the node at --base to be ready; the
                     load as above; after B windows lets the lock go and follows the pruning (the oldest and the
                     newest seeded finished task gone) for C s at most; A windows after the one it ended in.
                     Both: where the server's autovacuum is off, it is emulated (its thresholds and cost limits)
                     every autovacuum_naptime, or every N s
      windows        FILE          markdown table of the windows in FILE (wear-snapshot, wear-retention)
      burst          --url URL --requests N [--timeout-s T (default 120)] [--open-via URL]
                     N concurrent GETs, one connection each; --open-via: open the N connections first with a
                     burst to that URL (e.g. /health), so the measured burst runs on open connections
      submit-latency --base URL --requests N
                     N sequential POST /tasks of a noop on one connection, after 50 uncounted warm-up requests
      sleep-e2e      --base URL --runs N --seconds S
                     N times: submit a sleep task of S seconds and poll GET /tasks/{id} until completed
      events-idle    --url URL --count N --hold-s S --marker FILE
                     opens N event streams (text/event-stream) on URL, writes FILE once all are open, holds them
                     S s: how many stayed open, and the events they got
      event-latency  --base URL --rate R --duration-s S [--warmup-s W (5)]
                     one stream on /events?state=completed while R noop tasks/s are submitted (open loop) and run:
                     receipt minus finalized_at of each event, p50/p99/max over S s after W s
      summarize      FILE          markdown table (median, min-max) of the JSON result lines in FILE
      targets        SPEC DIR      markdown table of targets (see TargetsReport) against DIR/<benchmark>.jsonl
      check          SPEC DIR      exits 1 unless every benchmark in SPEC produced each figure it names
      ratio          DIR A:FIGURE B:FIGURE
                                   median of benchmark A's FIGURE over median of B's, from DIR/<benchmark>.jsonl
    """;

  private static final int DEFAULT_BURST_TIMEOUT_SECONDS = 120;
  private static final int DEFAULT_REQUEST_TIMEOUT_SECONDS = 60;
  private static final double DEFAULT_WARM_UP_SECONDS = 2;
  /** Open-loop load: enough connections for thousands of requests/s at tens of milliseconds each. */
  private static final int DEFAULT_OVERLOAD_CONNECTIONS = 1000;
  /** A node that sheds load answers within milliseconds; 10 s is plainly a failure to. */
  private static final int DEFAULT_OVERLOAD_TIMEOUT_SECONDS = 10;
  private static final double DEFAULT_SETTLE_SECONDS = 5;
  private static final double DEFAULT_EVENT_WARM_UP_SECONDS = 5;
  private static final double DEFAULT_WEAR_WARM_UP_SECONDS = 30;

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
    } catch (IllegalArgumentException | UncheckedIOException e) {
      System.err.println("error: " + e.getMessage());
      status = 1;
    }
    System.exit(status);
  }

  private static int run(String[] args) {
    if (args.length == 0) {
      throw new UsageException("no command");
    }
    switch (args[0]) {
      case "summarize" -> {
        expectArguments(args, 2, "summarize takes exactly one FILE");
        System.out.print(Summary.markdownTable(ResultLines.read(Path.of(args[1]))));
        return 0;
      }
      case "targets" -> {
        expectArguments(args, 3, "targets takes SPEC and DIR");
        System.out.print(TargetsReport.markdown(Path.of(args[1]), Path.of(args[2])));
        return 0;
      }
      case "windows" -> {
        expectArguments(args, 2, "windows takes exactly one FILE");
        System.out.print(WindowsReport.markdown(ResultLines.read(Path.of(args[1]))));
        return 0;
      }
      case "check" -> {
        expectArguments(args, 3, "check takes SPEC and DIR");
        List<String> problems = FigureCheck.problems(Path.of(args[1]), Path.of(args[2]));
        problems.forEach(problem -> System.out.println("missing: " + problem));
        return problems.isEmpty() ? 0 : 1;
      }
      case "ratio" -> {
        expectArguments(args, 4, "ratio takes DIR and two BENCHMARK:FIGURE");
        System.out.println(FigureRatio.describe(Path.of(args[1]), FigureRef.parse(args[2]), FigureRef.parse(args[3])));
        return 0;
      }
      default -> {
        Options options = new Options(args, 1);
        // Options are all read before Vert.x starts, so a usage mistake costs nothing.
        Function<Vertx, Benchmark> benchmark = benchmark(args[0], options);
        options.rejectUnknown();
        return runBenchmark(benchmark);
      }
    }
  }

  private static Function<Vertx, Benchmark> benchmark(String command, Options options) {
    return switch (command) {
      case "throughput" -> {
        int connections = options.positiveInt("connections");
        LoadShape shape = shape(options);
        RequestTemplate template = template(options, "url");
        Double idealRps = options.optionalPositiveDouble("ideal-rps");
        Integer items = options.optionalPositiveInt("items-per-request");
        Integer serverPid = options.optionalPositiveInt("server-pid");
        yield vertx -> new ThroughputBenchmark(vertx, template, connections, shape, idealRps, items, serverPid);
      }
      case "plain-route" -> {
        int connections = options.positiveInt("connections");
        LoadShape.Timed shape = new LoadShape.Timed(options.positiveDouble("warmup-s", DEFAULT_WARM_UP_SECONDS),
          options.positiveDouble("duration-s"));
        long timeout = DEFAULT_REQUEST_TIMEOUT_SECONDS * 1000L;
        RequestTemplate service = RequestTemplate.of(options.string("url"), "GET", null, 200, null, timeout);
        RequestTemplate ceiling = RequestTemplate.of(options.string("ceiling-url"), "GET", null, 200, null, timeout);
        Integer servicePid = options.optionalPositiveInt("server-pid");
        Integer ceilingPid = options.optionalPositiveInt("ceiling-pid");
        yield vertx -> new PlainRouteBenchmark(vertx, service, ceiling, connections, shape, servicePid, ceilingPid);
      }
      case "overload" -> {
        OverloadBenchmark.Plan plan = new OverloadBenchmark.Plan(
          template(options, "url", "POST", 202, DEFAULT_OVERLOAD_TIMEOUT_SECONDS),
          options.positiveDouble("rate"),
          Objects.requireNonNullElse(options.optionalPositiveDouble("warmup-s"), 0.0),
          options.positiveDouble("duration-s"),
          options.positiveInt("connections", DEFAULT_OVERLOAD_CONNECTIONS),
          Objects.requireNonNullElse(options.optionalString("refused-code"), "overloaded"),
          options.positiveInt("server-pid"), options.string("metrics-url"),
          options.positiveDouble("settle-s", DEFAULT_SETTLE_SECONDS));
        yield vertx -> new OverloadBenchmark(vertx, plan);
      }
      case "connections" -> {
        int count = options.positiveInt("count");
        String marker = options.string("marker");
        long timeout = options.positiveInt("timeout-s", DEFAULT_BURST_TIMEOUT_SECONDS) * 1000L;
        RequestTemplate template = RequestTemplate.of(options.string("url"), "GET", null, 200, null, timeout);
        yield vertx -> new HoldConnectionsBenchmark(vertx, template, count, marker);
      }
      case "enqueue-latency" -> {
        String base = options.string("base");
        int tasks = options.positiveInt("tasks");
        Double rate = options.optionalPositiveDouble("background-rate");
        int pollMillis = options.positiveInt("poll-ms", 2);
        String kind = Objects.requireNonNullElse(options.optionalString("kind"), "noop");
        yield vertx -> new EnqueueLatencyBenchmark(vertx, base, tasks, rate == null ? 0 : rate, pollMillis, kind);
      }
      case "wear-snapshot" -> {
        WearSnapshotBenchmark.Plan plan = new WearSnapshotBenchmark.Plan(options.string("base"),
          options.string("database-url"), options.positiveDouble("rate"),
          options.positiveDouble("warmup-s", DEFAULT_WEAR_WARM_UP_SECONDS), options.positiveDouble("window-s"),
          options.nonNegativeInt("before-windows", 1), options.positiveDouble("hold-s"),
          options.positiveInt("after-windows"), options.optionalPositiveDouble("autovacuum-naptime-s"),
          options.string("windows-file"));
        yield vertx -> new WearSnapshotBenchmark(vertx, plan);
      }
      case "wear-retention" -> {
        WearRetentionBenchmark.Plan plan = new WearRetentionBenchmark.Plan(options.string("base"),
          options.string("database-url"), options.positiveDouble("rate"),
          options.positiveDouble("warmup-s", DEFAULT_WEAR_WARM_UP_SECONDS), options.positiveDouble("window-s"),
          options.nonNegativeInt("before-windows", 1), options.positiveInt("after-windows"),
          options.uuid("oldest"), options.uuid("newest"), options.positiveDouble("cap-s"),
          options.string("locked-marker"), options.optionalPositiveDouble("autovacuum-naptime-s"),
          options.string("windows-file"));
        yield vertx -> new WearRetentionBenchmark(vertx, plan);
      }
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
      case "events-idle" -> {
        String url = options.string("url");
        int count = options.positiveInt("count");
        double hold = options.positiveDouble("hold-s");
        String marker = options.string("marker");
        yield vertx -> new EventsIdleBenchmark(vertx, url, count, hold, marker);
      }
      case "event-latency" -> {
        String base = options.string("base");
        double rate = options.positiveDouble("rate");
        double duration = options.positiveDouble("duration-s");
        double warmup = options.positiveDouble("warmup-s", DEFAULT_EVENT_WARM_UP_SECONDS);
        yield vertx -> new EventLatencyBenchmark(vertx, base, rate, warmup, duration);
      }
      default -> throw new UsageException("unknown command: " + command);
    };
  }

  /** {@code --duration-s} (a timed window) or {@code --rounds} (a count per connection), not both. */
  private static LoadShape shape(Options options) {
    if (options.has("duration-s") == options.has("rounds")) {
      throw new UsageException("give exactly one of --duration-s and --rounds");
    }
    if (options.has("duration-s")) {
      double stagger = options.has("stagger-s") ? options.positiveDouble("stagger-s") : 0;
      return new LoadShape.Timed(options.positiveDouble("warmup-s", DEFAULT_WARM_UP_SECONDS),
        options.positiveDouble("duration-s"), stagger);
    }
    return new LoadShape.Rounds(options.nonNegativeInt("warmup-rounds", 1), options.positiveInt("rounds"));
  }

  private static RequestTemplate template(Options options, String urlOption) {
    return template(options, urlOption, "GET", 200, DEFAULT_REQUEST_TIMEOUT_SECONDS);
  }

  /** The request of {@code --url} (or another option), {@code --method}, {@code --body} and so on. */
  private static RequestTemplate template(Options options, String urlOption, String defaultMethod,
      int defaultExpect, int defaultTimeoutSeconds) {
    String body = options.optionalString("body");
    String bodyFile = options.optionalString("body-file");
    if (body != null && bodyFile != null) {
      throw new UsageException("give --body or --body-file, not both");
    }
    if (bodyFile != null) {
      try {
        body = Files.readString(Path.of(bodyFile));
      } catch (IOException e) {
        throw new UsageException("cannot read --body-file " + bodyFile + ": " + e);
      }
    }
    String url = options.string(urlOption);
    String method = options.optionalString("method");
    int expect = options.positiveInt("expect", defaultExpect);
    String idRange = options.optionalString("id-range");
    long timeout = options.positiveInt("timeout-s", defaultTimeoutSeconds) * 1000L;
    try {
      return RequestTemplate.of(url, method == null ? defaultMethod : method, body, expect, idRange, timeout);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static void expectArguments(String[] args, int count, String message) {
    if (args.length != count) {
      throw new UsageException(message);
    }
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
}

package dev.offload.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The steady load under a wear benchmark: {@code noop} tasks submitted at a fixed rate ({@link BackgroundSubmitter},
 * open loop) and run by the service's workers, first for an uncounted warm-up, then from t0 ({@link #begin()}) in
 * windows of equal length. Every task sent after t0 is remembered with its sending time; once the load has ended,
 * their enqueue-to-start comes from the service's own timestamps ({@code attempted_at - created_at}), read from the
 * database in a few queries: nothing polls the service while it is measured. The dead tuples of the task tables are
 * counted at each window's end. Where the server's autovacuum is off, an {@link AutovacuumEmulator} stands in for it
 * from t0 on.
 */
final class WearLoad {

  /** How long, after the load, tasks sent during it may take to start before they count as never started. */
  private static final long START_GRACE_NANOS = TimeUnit.SECONDS.toNanos(60);
  /** Longer than the submissions' own request timeout (TaskClient), so every one has ended by then. */
  private static final long ANSWER_GRACE_NANOS = TimeUnit.SECONDS.toNanos(35);
  private static final long RECHECK_MILLIS = 500;

  /** A task of the load, sent at {@code sentNanos} ({@link System#nanoTime()}). */
  private record Sent(long sentNanos, UUID id) {
  }

  /** What the load measured, once ended. */
  record Result(List<WearWindows.Window> windows, List<WearWindows.Sample> samples, JsonObject figures) {
  }

  private final Vertx vertx;
  private final TaskDatabase database;
  private final BackgroundSubmitter submitter;
  private final AutovacuumEmulator autovacuum;
  private final long windowNanos;
  private final List<Sent> sent = new ArrayList<>();
  private final Map<Integer, Long> deadTuples = new ConcurrentHashMap<>();
  private volatile long t0 = Long.MAX_VALUE;
  private long sampler = -1;
  private int ticks;

  private WearLoad(Vertx vertx, TaskDatabase database, String baseUrl, double perSecond, long windowNanos,
      AutovacuumEmulator autovacuum) {
    this.vertx = vertx;
    this.database = database;
    this.windowNanos = windowNanos;
    this.autovacuum = autovacuum;
    TaskClient tasks = new TaskClient(vertx.createHttpClient(Http.clientOptions(),
      new PoolOptions().setHttp1MaxSize(16)), baseUrl);
    this.submitter = new BackgroundSubmitter(vertx, tasks, perSecond, this::accepted);
  }

  /**
   * A load of {@code perSecond} tasks, cut into windows of {@code windowSeconds}. Autovacuum is emulated when the
   * server's is off, every {@code naptimeSeconds} if given, else every {@code autovacuum_naptime}.
   */
  static Future<WearLoad> create(Vertx vertx, TaskDatabase database, String baseUrl, double perSecond,
      double windowSeconds, Double naptimeSeconds) {
    return database.autovacuumSettings().map(settings -> {
      AutovacuumEmulator emulator = settings.enabled() ? null : new AutovacuumEmulator(vertx, database,
        naptimeSeconds == null ? settings : settings.withNaptime(naptimeSeconds));
      return new WearLoad(vertx, database, baseUrl, perSecond, (long) (windowSeconds * 1e9), emulator);
    });
  }

  /** Starts the load; it runs uncounted for {@code seconds}, so that both JVMs have compiled the path. */
  Future<Void> warmUp(double seconds) {
    submitter.start();
    return vertx.timer(Math.max(1, Math.round(seconds * 1000)), TimeUnit.MILLISECONDS).mapEmpty();
  }

  /** t0: counting starts, and with it the dead-tuple samples and the autovacuum emulation. */
  void begin() {
    t0 = System.nanoTime();
    sampler = vertx.setPeriodic(windowNanos / 1_000_000, tick -> sampleDeadTuples(ticks++));
    if (autovacuum != null) {
      autovacuum.start();
    }
  }

  /** Nanoseconds since t0. */
  long now() {
    return System.nanoTime() - t0;
  }

  long windowNanos() {
    return windowNanos;
  }

  /** Completes at {@code nanos} after t0 (at once if that has passed). */
  Future<Void> until(long nanos) {
    long millis = TimeUnit.NANOSECONDS.toMillis(nanos - now());
    return vertx.timer(Math.max(1, millis), TimeUnit.MILLISECONDS).mapEmpty();
  }

  /**
   * Ends the load after {@code windows} windows (call it at their end), waits for its tasks to start, and cuts the
   * figures into windows placed against {@code event}.
   */
  Future<Result> end(int windows, WearWindows.Span event) {
    submitter.stop();
    vertx.cancelTimer(sampler);
    if (autovacuum != null) {
      autovacuum.stop();
    }
    return sampleDeadTuples(windows - 1)
      .compose(sampled -> answered(System.nanoTime() + ANSWER_GRACE_NANOS))
      .compose(all -> {
        List<Sent> counted;
        synchronized (sent) {
          long end = t0 + windows * windowNanos;
          counted = sent.stream().filter(task -> task.sentNanos() < end).toList();
        }
        return started(counted, new ConcurrentHashMap<>(), System.nanoTime() + START_GRACE_NANOS)
          .map(millis -> result(windows, event, counted, millis));
      });
  }

  private void accepted(long sentNanos, JsonObject task) {
    if (sentNanos >= t0) {
      synchronized (sent) {
        sent.add(new Sent(sentNanos, UUID.fromString(task.getString("id"))));
      }
    }
  }

  /** The dead tuples at the end of window {@code index}; a failed read leaves a gap, logged. */
  private Future<Void> sampleDeadTuples(int index) {
    return database.deadTuples()
      .onSuccess(dead -> deadTuples.putIfAbsent(index, dead))
      .onFailure(failed -> System.err.println("dead tuples at the end of window " + index + ": " + failed))
      .<Void>mapEmpty()
      .otherwiseEmpty();
  }

  /** Until every submission has been answered, or the deadline. */
  private Future<Void> answered(long deadlineNanos) {
    if (submitter.idle() || System.nanoTime() > deadlineNanos) {
      return Future.succeededFuture();
    }
    return vertx.timer(50, TimeUnit.MILLISECONDS).compose(waited -> answered(deadlineNanos));
  }

  /** Reads enqueue-to-start of the tasks not yet known to have started, until all have or the deadline passes. */
  private Future<Map<UUID, Double>> started(List<Sent> tasks, Map<UUID, Double> millis, long deadlineNanos) {
    List<UUID> waiting = tasks.stream().map(Sent::id).filter(id -> !millis.containsKey(id)).toList();
    if (waiting.isEmpty()) {
      return Future.succeededFuture(millis);
    }
    return database.latencies(waiting).compose(found -> {
      millis.putAll(found);
      if (found.size() == waiting.size() || System.nanoTime() > deadlineNanos) {
        return Future.succeededFuture(millis);
      }
      return vertx.timer(RECHECK_MILLIS, TimeUnit.MILLISECONDS)
        .compose(waited -> started(tasks, millis, deadlineNanos));
    });
  }

  private Result result(int windows, WearWindows.Span event, List<Sent> counted, Map<UUID, Double> millis) {
    List<WearWindows.Sample> samples = counted.stream()
      .map(task -> new WearWindows.Sample(task.sentNanos() - t0, millis.get(task.id())))
      .collect(Collectors.toList());
    Long[] dead = new Long[windows];
    for (int i = 0; i < windows; i++) {
      dead[i] = deadTuples.get(i);
    }
    List<AutovacuumEmulator.Run> runs = autovacuum == null ? List.of() : autovacuum.runs();
    List<WearWindows.Window> cut = WearWindows.cut(samples, windowNanos, windows, event, dead,
      runs.stream().map(run -> run.startNanos() - t0).toList());
    long unstarted = samples.stream().filter(sample -> sample.millis() == null).count();
    JsonObject submissions = submitter.figures();
    JsonObject figures = new JsonObject()
      .put("tasks", samples.size())
      .put("per_s", submissions.getDouble("background_per_s"))
      .put("unstarted", unstarted)
      .put("submit_errors", submissions.getInteger("background_errors"))
      .put("errors", submissions.getInteger("background_errors") + (int) unstarted)
      .put("dead_tuples_max", WearWindows.maxDeadTuples(cut))
      .put("autovacuum_emulated", autovacuum == null ? 0 : 1)
      .put("autovacuum_runs", runs.size());
    return new Result(cut, samples, figures);
  }

  /** Appends one JSON line per window to {@code file} (blocking: called off the event loop). */
  static Future<Void> appendWindows(Vertx vertx, String file, List<WearWindows.Window> windows) {
    String lines = windows.stream().map(window -> window.toJson().encode() + "\n").collect(Collectors.joining());
    return vertx.executeBlocking(() -> Files.writeString(Path.of(file), lines, StandardOpenOption.CREATE,
      StandardOpenOption.APPEND)).mapEmpty();
  }
}

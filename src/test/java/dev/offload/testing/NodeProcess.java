package dev.offload.testing;

import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An Offload node as a real JVM process running the packaged fat jar ({@code -Doffload.jar}, set by
 * the failsafe plugin), logging to {@code target/it-logs/NAME.log}. For tests of what happens when
 * a node dies.
 */
public final class NodeProcess implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final int port;
  private final Path log;
  private final Process process;

  private NodeProcess(String name, int port, Path log, Process process) {
    this.name = name;
    this.port = port;
    this.log = log;
    this.process = process;
  }

  /**
   * Starts node {@code name} on a free port against the test schema and waits until it is ready.
   */
  public static NodeProcess start(String name, PgTestDatabase database, Map<String, String> env)
      throws IOException, InterruptedException {
    return launch(name, database, env, List.of("-jar", jar())).awaitReady();
  }

  /**
   * Starts node {@code name} with the test handlers ({@code target/test-classes}, see {@code
   * testing/handlers}) on its classpath next to the jar, as an application adds its own handlers,
   * and returns at once, ready or not: its database may be away.
   */
  public static NodeProcess launchWithTestHandlers(
      String name, PgTestDatabase database, Map<String, String> env) throws IOException {
    String classpath = jar() + File.pathSeparator + Path.of("target", "test-classes");
    return launch(name, database, env, List.of("-cp", classpath, "dev.offload.Main"));
  }

  private static NodeProcess launch(
      String name, PgTestDatabase database, Map<String, String> env, List<String> what)
      throws IOException {
    int port = freePort();
    Path log = Path.of("target", "it-logs", name + ".log");
    Files.createDirectories(log.getParent());
    List<String> command = new ArrayList<>(List.of("java", "-Xmx256m"));
    command.addAll(what);
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> all =
        new HashMap<>(
            Map.of(
                "OFFLOAD_NODE_ID", name,
                "OFFLOAD_HTTP_PORT", String.valueOf(port),
                "OFFLOAD_DATABASE_URL", database.config().url(),
                "OFFLOAD_DATABASE_SCHEMA", database.schema()));
    all.putAll(env);
    builder.environment().putAll(all);
    return new NodeProcess(name, port, log, builder.start());
  }

  private static String jar() {
    return System.getProperty("offload.jar", "target/offload.jar");
  }

  /** Waits until {@code /ready} answers 200: the database part is up. */
  public NodeProcess awaitReady() throws InterruptedException {
    Eventually.isTrue(name + " is ready (see " + log + ")", Duration.ofSeconds(30), this::isReady);
    return this;
  }

  /** Waits until {@code /health} answers 200: the node serves HTTP, with its database or not. */
  public NodeProcess awaitServing() throws InterruptedException {
    Eventually.isTrue(
        name + " serves HTTP (see " + log + ")",
        Duration.ofSeconds(30),
        () -> answersWhileAlive("/health") == 200);
    return this;
  }

  public String name() {
    return name;
  }

  public int port() {
    return port;
  }

  /** What the node has logged so far. */
  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public JsonObject post(String path, JsonObject body) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(uri(path))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
            .build();
    return new JsonObject(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
  }

  public JsonObject get(String path) throws IOException, InterruptedException {
    return new JsonObject(
        HTTP.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString())
            .body());
  }

  /** {@code /metrics}, in the Prometheus text format. */
  public String metrics() throws IOException, InterruptedException {
    return HTTP.send(
            HttpRequest.newBuilder(uri("/metrics")).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /**
   * The value of one series of {@link #metrics()}, e.g. {@code offload_attempts_running}; 0 if
   * absent.
   */
  public double metric(String series) {
    try {
      return metrics()
          .lines()
          .filter(line -> line.startsWith(series + " "))
          .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1)))
          .findFirst()
          .orElse(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** SIGKILL: the JVM gets no chance to clean up, as in a crash or an OOM kill. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM, as a service manager stops it; returns the exit code. */
  public int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(40, TimeUnit.SECONDS)) {
      throw new AssertionError(name + " did not exit within 40 s of SIGTERM");
    }
    return process.exitValue();
  }

  /**
   * SIGSTOP: the process stops dead, as in a long GC pause or a VM migration. Its sockets stay
   * open, so PostgreSQL and its clients see nothing wrong, but it renews no lease.
   */
  public void freeze() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT after {@link #freeze}: it carries on where it stopped, its timers long overdue. */
  public void thaw() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String signal) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new AssertionError("kill -" + signal + " " + name + " failed");
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Kills a node still running. Does not throw InterruptedException (try-with-resources must not):
   * keeps the flag.
   */
  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private boolean isReady() {
    return answersWhileAlive("/ready") == 200;
  }

  /** The status {@code path} answers with, or 0 if the node does not answer; fails if it exited. */
  private int answersWhileAlive(String path) {
    if (!process.isAlive()) {
      throw new AssertionError(name + " exited with " + process.exitValue() + " (see " + log + ")");
    }
    try {
      return HTTP.send(
              HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}

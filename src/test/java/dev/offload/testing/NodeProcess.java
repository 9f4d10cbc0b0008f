package dev.offload.testing;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
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
  private final Process process;

  private NodeProcess(String name, int port, Process process) {
    this.name = name;
    this.port = port;
    this.process = process;
  }

  /**
   * Starts node {@code name} on a free port against the test schema and waits until it is ready.
   */
  public static NodeProcess start(String name, PgTestDatabase database, Map<String, String> env)
      throws IOException, InterruptedException {
    String jar = System.getProperty("offload.jar", "target/offload.jar");
    int port = freePort();
    Path log = Path.of("target", "it-logs", name + ".log");
    Files.createDirectories(log.getParent());
    ProcessBuilder builder =
        new ProcessBuilder("java", "-Xmx256m", "-jar", jar)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> all =
        new HashMap<>(
            Map.of(
                "OFFLOAD_NODE_ID", name,
                "OFFLOAD_HTTP_PORT", String.valueOf(port),
                "OFFLOAD_DATABASE_URL", database.config().url(),
                "OFFLOAD_DATABASE_SCHEMA", database.schema()));
    all.putAll(env);
    builder.environment().putAll(all);
    NodeProcess node = new NodeProcess(name, port, builder.start());
    Eventually.isTrue(name + " is ready (see " + log + ")", Duration.ofSeconds(30), node::isReady);
    return node;
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
    if (!process.isAlive()) {
      throw new AssertionError(
          name + " exited with " + process.exitValue() + " before it was ready");
    }
    try {
      return HTTP.send(
                  HttpRequest.newBuilder(uri("/ready")).build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
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

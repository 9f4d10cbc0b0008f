package dev.offload;

import dev.offload.config.ConfigException;
import dev.offload.config.ConfigLoader;
import dev.offload.config.ConfigLoader.Argument;
import dev.offload.config.OffloadConfig;
import dev.offload.metrics.Metrics;
import dev.offload.task.TaskHandlers;
import dev.offload.tracing.Tracing;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.bridge.SLF4JBridgeHandler;
import sun.misc.Signal;

/**
 * {@code java -jar offload.jar [--conf FILE] [--role api|worker|all]}: configuration, then Vert.x,
 * then one Offload node. SIGTERM and SIGINT stop it gracefully: it exits 0, or 1 if the stop timed
 * out.
 */
public final class Main {

  private static final String USAGE =
      "usage: java -jar offload.jar [--conf FILE] [--role api|worker|all]";

  /** On top of the shutdown grace, for the pool, the workers and Vert.x itself to close. */
  private static final long SHUTDOWN_MARGIN_SECONDS = 15;

  private static final Logger LOG = System.getLogger(Main.class.getName());

  private Main() {}

  public static void main(String[] args) {
    // Logging goes to Logback (logback.xml) through SLF4J; the JDBC driver's java.util.logging
    // joins it here.
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    OffloadConfig config;
    TaskHandlers handlers;
    Tracing tracing;
    try {
      Optional<Path> confFile = Optional.empty();
      Map<String, Argument> arguments = new HashMap<>();
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--conf" -> confFile = Optional.of(Path.of(valueOf(args, ++i, "--conf")));
          case "--role" ->
              arguments.put("node.role", new Argument("--role", valueOf(args, ++i, "--role")));
          case "--help", "-h" -> {
            System.out.println(USAGE);
            return;
          }
          default ->
              throw new IllegalArgumentException("unknown argument '" + args[i] + "'; " + USAGE);
        }
      }
      config = ConfigLoader.load(confFile, System.getenv(), arguments);
      // Logback set itself up with the first logger, before a log.format in --conf was known.
      config.logFormat().use();
      handlers = TaskHandlers.discover();
      tracing = Tracing.fromEnvironment(System.getenv());
    } catch (ConfigException | IllegalArgumentException | IllegalStateException e) {
      System.err.println("offload: " + e.getMessage());
      System.exit(2);
      return;
    }
    PrometheusMeterRegistry registry = Metrics.newRegistry();
    Vertx vertx =
        tracing.install(Metrics.vertx(NodeVertxOptions.of(config.node()), registry)).build();
    try {
      OffloadNode node =
          OffloadNode.start(vertx, config, Clock.systemUTC(), handlers, registry, tracing).await();
      LOG.log(Level.INFO, startedMessage(config, node.httpPort(), node.kinds()));
      if (tracing.isOn()) {
        LOG.log(Level.INFO, "tracing on: spans exported as the OTEL_* variables say");
      }
      Signal.handle(new Signal("TERM"), signal -> stopAndExit(node, vertx, config));
      Signal.handle(new Signal("INT"), signal -> stopAndExit(node, vertx, config));
    } catch (Exception e) {
      LOG.log(Level.ERROR, "offload could not start: " + e.getMessage());
      vertx.close();
      System.exit(1);
    }
  }

  /** The start-up line: what listens where, and which tokens guard it (names, never secrets). */
  static String startedMessage(OffloadConfig config, int port, Collection<String> kinds) {
    return "offload node "
        + config.nodeId()
        + " (role "
        + config.node().role().wireName()
        + ") listening on "
        + (config.http().tls().isPresent() ? "https://" : "http://")
        + config.http().host()
        + ":"
        + port
        + " ("
        + config.http().instances()
        + " HTTP, "
        + config.worker().instances()
        + " worker verticles; kinds: "
        + String.join(", ", kinds)
        + "; tokens: "
        + (config.http().tokens().isEmpty()
            ? "none, every route is open"
            : config.http().tokens().toString())
        + ")";
  }

  private static String valueOf(String[] args, int index, String flag) {
    if (index >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value; " + USAGE);
    }
    return args[index];
  }

  /** Runs on the JVM's signal thread, which may block. */
  private static void stopAndExit(OffloadNode node, Vertx vertx, OffloadConfig config) {
    LOG.log(
        Level.INFO,
        "stopping: finishing running attempts and requests for up to "
            + config.node().shutdownGrace().toSeconds()
            + " s");
    int status = 0;
    try {
      node.stop()
          .await(
              config.node().shutdownGrace().toSeconds() + SHUTDOWN_MARGIN_SECONDS,
              TimeUnit.SECONDS);
      vertx.close().await(SHUTDOWN_MARGIN_SECONDS, TimeUnit.SECONDS);
      LOG.log(Level.INFO, "stopped");
    } catch (TimeoutException e) {
      LOG.log(
          Level.WARNING,
          "shutdown timed out; unfinished attempts come back when their lease expires");
      status = 1;
    }
    System.exit(status);
  }
}

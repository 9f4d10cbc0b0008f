package dev.offload;

import dev.offload.config.ConfigException;
import dev.offload.config.ConfigLoader;
import dev.offload.config.OffloadConfig;
import dev.offload.task.TaskHandlers;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@code java -jar offload.jar [--conf FILE]}: configuration, then Vert.x, then one Offload node. */
public final class Main {

  private static final String USAGE = "usage: java -jar offload.jar [--conf FILE]";

  private Main() {
  }

  public static void main(String[] args) {
    System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
    OffloadConfig config;
    TaskHandlers handlers;
    try {
      config = ConfigLoader.load(confFile(args), System.getenv());
      handlers = TaskHandlers.discover();
    } catch (ConfigException | IllegalArgumentException | IllegalStateException e) {
      System.err.println("offload: " + e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx(new VertxOptions()
        // /sync-task blocks pool threads for up to a minute on purpose; warn only beyond that.
        .setMaxWorkerExecuteTime(70).setMaxWorkerExecuteTimeUnit(TimeUnit.SECONDS));
    Logger log = System.getLogger(Main.class.getName());
    try {
      OffloadNode node = OffloadNode.start(vertx, config, Clock.systemUTC(), handlers).await();
      log.log(Level.INFO, "offload node " + config.nodeId() + " listening on http://" + config.http().host() + ":"
          + node.httpPort() + " (" + config.http().instances() + " HTTP, " + config.worker().instances()
          + " worker verticles; kinds: " + String.join(", ", handlers.kinds()) + ")");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(node, vertx), "offload-shutdown"));
    } catch (Exception e) {
      log.log(Level.ERROR, "offload could not start: " + e.getMessage());
      vertx.close();
      System.exit(1);
    }
  }

  private static void stop(OffloadNode node, Vertx vertx) {
    try {
      node.stop().await(30, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      System.err.println("offload: shutdown timed out; unfinished attempts return when their lease expires");
    }
  }

  private static Optional<Path> confFile(String[] args) {
    Optional<Path> conf = Optional.empty();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--conf") && i + 1 < args.length) {
        conf = Optional.of(Path.of(args[++i]));
      } else if (args[i].equals("--help") || args[i].equals("-h")) {
        System.out.println(USAGE);
        System.exit(0);
      } else {
        throw new IllegalArgumentException("unknown argument '" + args[i] + "'; " + USAGE);
      }
    }
    return conf;
  }
}

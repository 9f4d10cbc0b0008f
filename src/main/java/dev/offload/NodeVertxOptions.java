package dev.offload;

import dev.offload.config.NodeConfig;
import io.vertx.core.VertxOptions;
import java.util.concurrent.TimeUnit;

/**
 * The Vert.x options a node runs with, from its configuration: for {@link Main}, and for tests that
 * start nodes in Vert.x instances of their own.
 */
public final class NodeVertxOptions {

  /**
   * {@code /sync-task} blocks pool threads for up to a minute on purpose; warn only beyond that.
   */
  private static final long MAX_WORKER_EXECUTE_SECONDS = 70;

  /** Vert.x's own default: checking more often than needed costs a timer thread's wake-ups. */
  private static final long LONGEST_CHECK_INTERVAL_MS = 1_000;

  private NodeVertxOptions() {}

  public static VertxOptions of(NodeConfig node) {
    long maxBlockMs = node.maxEventLoopBlock().toMillis();
    return new VertxOptions()
        .setMaxWorkerExecuteTime(MAX_WORKER_EXECUTE_SECONDS)
        .setMaxWorkerExecuteTimeUnit(TimeUnit.SECONDS)
        .setMaxEventLoopExecuteTime(maxBlockMs)
        .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
        // Vert.x looks at the threads every interval, so a block ending before the next look goes
        // unseen: looking every fifth of the limit sees every block of 1.2 times the limit or more.
        .setBlockedThreadCheckInterval(Math.min(LONGEST_CHECK_INTERVAL_MS, maxBlockMs / 5))
        .setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
        // Every warning carries the blocked thread's stack, which says where it is stuck: a block
        // is a bug to find, not an outage to count.
        .setWarningExceptionTime(maxBlockMs)
        .setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS);
  }
}

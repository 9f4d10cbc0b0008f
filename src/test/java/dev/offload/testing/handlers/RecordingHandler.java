package dev.offload.testing.handlers;

import dev.offload.task.DiscardTaskException;
import dev.offload.task.TaskContext;
import dev.offload.task.TaskHandler;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code test.record}: appends {@code start <task> <attempt> <node>} to its node's run log, sleeps
 * {@code args.ms}, appends {@code end ...}, and completes with {@code {"node", "attempt"}}. The run
 * log (the file the environment variable {@value #RUN_LOG} names) is the process's own record of
 * which node started which attempt, whatever the database says; each line is one write to a file
 * opened for append, so a kill -9 loses none that were written. With {@code args.discard_if_late},
 * an attempt whose sleep overran by more than a second (its process was frozen) discards its task
 * instead: a late outcome that the database took would show as a discarded task.
 */
public final class RecordingHandler implements TaskHandler {

  public static final String RUN_LOG = "TEST_RUN_LOG";

  private static final long LATE_NANOS = 1_000_000_000L;

  @Override
  public String kind() {
    return "test.record";
  }

  @Override
  public void validate(JsonObject args) {
    if (System.getenv(RUN_LOG) == null) {
      throw new IllegalArgumentException("test.record needs " + RUN_LOG + " set on the node");
    }
  }

  @Override
  public Object run(TaskContext context) throws InterruptedException {
    String node = System.getenv("OFFLOAD_NODE_ID");
    String attempt = context.taskId() + " " + context.attempt() + " " + node;
    record("start " + attempt);
    long ms = context.args().getLong("ms", 0L);
    long started = System.nanoTime();
    Thread.sleep(ms);
    long overrun = System.nanoTime() - started - ms * 1_000_000;
    record("end " + attempt);
    if (context.args().getBoolean("discard_if_late", false) && overrun > LATE_NANOS) {
      throw new DiscardTaskException(
          "attempt "
              + context.attempt()
              + " on "
              + node
              + " ended "
              + overrun / 1_000_000
              + " ms late");
    }
    return new JsonObject().put("node", node).put("attempt", context.attempt());
  }

  /** One line, one write: lines of concurrent attempts never interleave. */
  private static synchronized void record(String line) {
    try {
      Files.writeString(
          Path.of(System.getenv(RUN_LOG)),
          line + "\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

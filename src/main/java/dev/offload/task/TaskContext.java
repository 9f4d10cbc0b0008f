package dev.offload.task;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** What a handler sees of the attempt it runs. */
public interface TaskContext {

  UUID taskId();

  JsonObject args();

  /** 1 for the first attempt. */
  int attempt();

  /** Reports how far the attempt has got, 0..1; cheap to call often (saved in batches). */
  void progress(double fraction);

  /**
   * True once the attempt should stop (its timeout passed, or it was cancelled). The worker thread
   * is also interrupted then, so blocking calls such as {@code Thread.sleep} end at once.
   */
  boolean isStopRequested();

  /**
   * Runs {@code action} once the attempt should stop (at once if it already should): how an
   * asynchronous handler aborts the work it has under way. The action must not block.
   */
  void onStopRequested(Runnable action);
}

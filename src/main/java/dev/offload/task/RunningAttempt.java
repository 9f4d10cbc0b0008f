package dev.offload.task;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One attempt in progress, shared by the dispatcher (event loop) and the worker thread running it:
 * the dispatcher reads its progress and asks it to stop; the worker binds its thread so a stop can
 * interrupt it.
 */
public final class RunningAttempt implements TaskContext {

  private final Task task;
  private volatile double progress;
  private volatile boolean progressUnsaved;
  private String stopReason; // guarded by this
  private Thread thread; // guarded by this
  private final List<Runnable> stopActions = new ArrayList<>(); // guarded by this

  public RunningAttempt(Task task) {
    this.task = task;
  }

  public Task task() {
    return task;
  }

  @Override
  public UUID taskId() {
    return task.id();
  }

  @Override
  public JsonObject args() {
    return task.args();
  }

  @Override
  public int attempt() {
    return task.attempt();
  }

  @Override
  public void progress(double fraction) {
    progress = Double.isNaN(fraction) ? 0 : Math.max(0, Math.min(1, fraction));
    progressUnsaved = true;
  }

  /** The progress reported since the last call, or null if none. */
  public Double takeUnsavedProgress() {
    if (!progressUnsaved) {
      return null;
    }
    progressUnsaved = false;
    return progress;
  }

  @Override
  public synchronized boolean isStopRequested() {
    return stopReason != null;
  }

  public synchronized String stopReason() {
    return stopReason;
  }

  /**
   * Asks the attempt to stop: interrupts its thread if it is running and runs the stop actions its
   * handler registered. The first reason wins.
   */
  public void requestStop(String reason) {
    List<Runnable> actions;
    synchronized (this) {
      if (stopReason == null) {
        stopReason = reason;
      }
      if (thread != null) {
        thread.interrupt();
      }
      actions = new ArrayList<>(stopActions);
      stopActions.clear();
    }
    actions.forEach(Runnable::run);
  }

  @Override
  public void onStopRequested(Runnable action) {
    synchronized (this) {
      if (stopReason == null) {
        stopActions.add(action);
        return;
      }
    }
    action.run();
  }

  /**
   * Called on the worker thread before the handler runs, so that a stop request can interrupt it.
   */
  public synchronized void bindCurrentThread() {
    thread = Thread.currentThread();
    if (stopReason != null) {
      thread.interrupt();
    }
  }

  /**
   * Called on the worker thread when the handler returns; clears an interrupt meant for this
   * attempt only.
   */
  public synchronized void unbindCurrentThread() {
    thread = null;
    Thread.interrupted();
  }
}

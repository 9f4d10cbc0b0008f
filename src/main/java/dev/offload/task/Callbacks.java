package dev.offload.task;

import java.time.Duration;

/**
 * What the callback task of a finished task is: a task of kind {@value #KIND} that POSTs the
 * finished task to its {@code callback_url}. The store inserts it in the statement that makes the
 * task final; the handler (outbound {@code CallbackTaskHandler}) runs it. Both read these values,
 * and nothing else states them.
 */
public final class Callbacks {

  public static final String KIND = "callback";

  /** The callback handler only waits on the network: it is an {@link AsyncTaskHandler}. */
  public static final Lane LANE = Lane.ASYNC;

  /**
   * Retried with backoff like any task, so a receiver that is down for a while still hears of it.
   */
  public static final int MAX_ATTEMPTS = 10;

  /** Of one attempt, the whole HTTP call. */
  public static final Duration TIMEOUT = Duration.ofSeconds(30);

  private Callbacks() {}
}

package dev.offload.dispatch;

import dev.offload.store.Wakeups;
import java.util.UUID;

/** Event-bus addresses. All are local: nodes never talk to each other except through PostgreSQL. */
public final class Addresses {

  /**
   * Any body: due tasks may exist; the dispatcher claims if it has room (idle workers, free
   * asynchronous slots). Sent by the task store's {@link Wakeups} after every commit that makes
   * tasks due.
   */
  public static final String DISPATCHER_WAKE = Wakeups.LOCAL_ADDRESS;

  /**
   * Only on a node whose dispatcher is {@link DispatchMode#MANUAL}: any body; the dispatcher claims
   * once what is due now and replies with how many tasks it started (an Integer), or fails if the
   * claim failed.
   */
  public static final String DISPATCHER_CYCLE = "offload.dispatcher.cycle";

  /** Body: a worker's address; that worker is idle and ready for an attempt. */
  public static final String WORKER_JOINED = "offload.dispatcher.worker-joined";

  /** Body: a worker's address; that worker is being undeployed. */
  public static final String WORKER_LEFT = "offload.dispatcher.worker-left";

  /**
   * Body: a {@link RemoteClaim}; the dispatcher answers with a {@link ClaimedAttempts} once it has
   * claimed attempts for that remote worker, or when its wait is over. Or a {@link
   * RemoteClaim.Cancel}, not answered.
   */
  public static final String REMOTE_CLAIM = "offload.dispatcher.remote-claim";

  /** Body: {@link RemoteReports}; the dispatcher answers with their {@link RemoteReports.Taken}. */
  public static final String REMOTE_REPORT = "offload.dispatcher.remote-report";

  private Addresses() {}

  /** Each worker verticle instance listens on an address of its own. */
  public static String worker(UUID instance) {
    return "offload.worker." + instance;
  }
}

package dev.offload.dispatch;

import dev.offload.config.OffloadConfig;
import dev.offload.config.QueueLimit;
import dev.offload.store.AttemptStore;
import dev.offload.store.ClaimScope;
import dev.offload.task.Lane;
import dev.offload.task.Task;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Decides what one claim takes. Tasks of the blocking lane are claimed only for idle worker
 * verticles, those of the async lane only for free asynchronous slots, so a claim never takes a
 * task this node cannot start at once; each lane is a range of the claim index, so neither pass
 * wades through the other lane's backlog. Queues with a limit are claimed on their own, within the
 * room left on this node (and over all nodes), then every other queue.
 */
final class ClaimPlanner {

  private static final Comparator<Task> CLAIM_ORDER =
      Comparator.comparingInt(Task::priority)
          .thenComparing(Task::scheduledAt)
          .thenComparing(Task::id);

  private final AttemptStore store;
  private final OffloadConfig config;
  private final Clock clock;

  ClaimPlanner(AttemptStore store, OffloadConfig config, Clock clock) {
    this.store = store;
    this.config = config;
    this.clock = clock;
  }

  /**
   * @param runningInQueue attempts of a queue running on this node now
   * @return the claimed tasks, in claim order over all steps; on failure, those claimed by earlier
   *     steps are handed back by the caller's {@code handBack}
   */
  Future<List<Task>> claim(
      int workerRoom,
      int asyncRoom,
      Function<String, Long> runningInQueue,
      Function<List<Task>, Future<?>> handBack) {
    Instant now = clock.instant();
    List<Task> claimed = new ArrayList<>();
    Map<String, Long> claimedByQueue = new HashMap<>();
    Function<String, Long> running =
        queue -> runningInQueue.apply(queue) + claimedByQueue.getOrDefault(queue, 0L);
    return pass(ClaimScope.inLane(Lane.BLOCKING), workerRoom, now, running, claimed, claimedByQueue)
        .compose(
            ignored ->
                pass(
                    ClaimScope.inLane(Lane.ASYNC),
                    asyncRoom,
                    now,
                    running,
                    claimed,
                    claimedByQueue))
        .map(ignored -> claimed.stream().sorted(CLAIM_ORDER).toList())
        .recover(
            failure -> handBack.apply(claimed).transform(ignored -> Future.failedFuture(failure)));
  }

  private Future<Void> pass(
      ClaimScope kinds,
      int room,
      Instant now,
      Function<String, Long> running,
      List<Task> claimed,
      Map<String, Long> claimedByQueue) {
    if (room <= 0) {
      return Future.succeededFuture();
    }
    Map<String, QueueLimit> limits = config.queues();
    if (limits.isEmpty()) {
      return take(kinds, room, now, claimed, claimedByQueue).mapEmpty();
    }
    int[] left = {room};
    Future<Void> chain = Future.succeededFuture();
    for (Map.Entry<String, QueueLimit> queue : limits.entrySet()) {
      chain =
          chain.compose(
              ignored -> {
                int queueRoom =
                    Math.min(
                        left[0], roomOnThisNode(queue.getValue(), running.apply(queue.getKey())));
                return take(
                        kinds.inQueue(queue.getKey(), queue.getValue().globalConcurrency()),
                        queueRoom,
                        now,
                        claimed,
                        claimedByQueue)
                    .map(
                        count -> {
                          left[0] -= count;
                          return null;
                        });
              });
    }
    return chain
        .compose(
            ignored ->
                take(kinds.outsideQueues(limits.keySet()), left[0], now, claimed, claimedByQueue))
        .mapEmpty();
  }

  private Future<Integer> take(
      ClaimScope scope,
      int limit,
      Instant now,
      List<Task> claimed,
      Map<String, Long> claimedByQueue) {
    if (limit <= 0) {
      return Future.succeededFuture(0);
    }
    return store
        .claim(scope, limit, config.nodeId(), now, config.tasks().lease())
        .map(
            tasks -> {
              claimed.addAll(tasks);
              tasks.forEach(task -> claimedByQueue.merge(task.queue(), 1L, Long::sum));
              return tasks.size();
            });
  }

  private static int roomOnThisNode(QueueLimit limit, long running) {
    return limit.concurrency() == null
        ? Integer.MAX_VALUE
        : (int) Math.max(0, limit.concurrency() - running);
  }
}

package dev.offload.dispatch;

import dev.offload.config.OffloadConfig;
import dev.offload.config.QueueLimit;
import dev.offload.store.AttemptStore;
import dev.offload.store.ClaimScope;
import dev.offload.store.RemoteAttempt;
import dev.offload.store.RemoteSlot;
import dev.offload.task.Lane;
import dev.offload.task.Task;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Decides what one claim takes. Tasks of the blocking lane are claimed only for idle worker
 * verticles, those of the async lane only for free asynchronous slots, so a claim never takes a
 * task this node cannot start at once; each lane is a range of the claim index, so neither pass
 * wades through the other lane's backlog. Queues with a limit are claimed on their own, within the
 * room left on this node (and over all nodes), then every other queue. Each lane's claims start at
 * its {@link ClaimFloors floor}, which a pass that took every due task it could see raises. Remote
 * workers waiting here are claimed for last, one group of them (same kinds and queues) at a time,
 * under the same queue limits, which count their attempts with this node's; their lane has no
 * floor, since one group's claim says nothing of the tasks of other kinds.
 */
final class ClaimPlanner {

  private static final Comparator<Task> CLAIM_ORDER =
      Comparator.comparingInt(Task::priority)
          .thenComparing(Task::scheduledAt)
          .thenComparing(Task::id);

  private final AttemptStore store;
  private final OffloadConfig config;
  private final Clock clock;
  private final ClaimFloors floors;

  ClaimPlanner(AttemptStore store, OffloadConfig config, Clock clock, ClaimFloors floors) {
    this.store = store;
    this.config = config;
    this.clock = clock;
    this.floors = floors;
  }

  /**
   * @param remote the slots of the remote workers waiting here, by group
   * @param runningInQueue attempts of a queue running on this node now
   * @return the claimed tasks, in claim order over all steps, and the remote attempts; on failure,
   *     those claimed by earlier steps are handed back by the caller's {@code handBack}
   */
  Future<Claimed> claim(
      int workerRoom,
      int asyncRoom,
      List<RemoteLane.Group> remote,
      Function<String, Long> runningInQueue,
      Function<Claimed, Future<?>> handBack) {
    Instant now = clock.instant();
    long generation = floors.generation();
    List<Task> claimed = new ArrayList<>();
    List<RemoteAttempt> claimedRemote = new ArrayList<>();
    Map<String, Long> claimedByQueue = new HashMap<>();
    Function<String, Long> running =
        queue -> runningInQueue.apply(queue) + claimedByQueue.getOrDefault(queue, 0L);
    Future<Void> chain =
        pass(Lane.BLOCKING, workerRoom, now, generation, running, claimed, claimedByQueue)
            .compose(
                ignored ->
                    pass(Lane.ASYNC, asyncRoom, now, generation, running, claimed, claimedByQueue));
    for (RemoteLane.Group group : remote) {
      chain =
          chain.compose(ignored -> remotePass(group, now, running, claimedRemote, claimedByQueue));
    }
    return chain
        .map(ignored -> new Claimed(claimed.stream().sorted(CLAIM_ORDER).toList(), claimedRemote))
        .recover(
            failure ->
                handBack
                    .apply(new Claimed(claimed, claimedRemote))
                    .transform(ignored -> Future.failedFuture(failure)));
  }

  /**
   * The claims of one group of remote workers: each queue of theirs with a limit on its own, within
   * the room it has, then their other queues at once. Each claim fills the group's first slots
   * left.
   */
  private Future<Void> remotePass(
      RemoteLane.Group group,
      Instant now,
      Function<String, Long> running,
      List<RemoteAttempt> claimed,
      Map<String, Long> claimedByQueue) {
    List<RemoteSlot> slots = new ArrayList<>(group.slots());
    ClaimScope scope = ClaimScope.remote(group.kinds(), group.queues());
    Map<String, QueueLimit> limits = config.queues();
    Future<Void> chain = Future.succeededFuture();
    for (String queue : group.queues()) {
      QueueLimit limit = limits.get(queue);
      if (limit == null) {
        continue;
      }
      chain =
          chain.compose(
              ignored -> {
                int room = Math.min(slots.size(), roomOnThisNode(limit, running.apply(queue)));
                return takeRemote(
                    scope.inQueue(queue, limit.globalConcurrency()),
                    slots,
                    room,
                    now,
                    claimed,
                    claimedByQueue);
              });
    }
    Set<String> unlimited = new HashSet<>(group.queues());
    unlimited.removeAll(limits.keySet());
    return unlimited.isEmpty()
        ? chain
        : chain.compose(
            ignored ->
                takeRemote(
                    scope.inQueues(unlimited), slots, slots.size(), now, claimed, claimedByQueue));
  }

  /** Claims for the first {@code room} of {@code slots}, and takes those it filled off them. */
  private Future<Void> takeRemote(
      ClaimScope scope,
      List<RemoteSlot> slots,
      int room,
      Instant now,
      List<RemoteAttempt> claimed,
      Map<String, Long> claimedByQueue) {
    if (room <= 0) {
      return Future.succeededFuture();
    }
    return store
        .claimRemote(scope, List.copyOf(slots.subList(0, room)), now, config.tasks().lease())
        .map(
            attempts -> {
              claimed.addAll(attempts);
              attempts.forEach(
                  attempt -> claimedByQueue.merge(attempt.task().queue(), 1L, Long::sum));
              slots.subList(0, attempts.size()).clear();
              return null;
            });
  }

  /** The claims of one lane; raises its floor if they took every due task they could see. */
  private Future<Void> pass(
      Lane lane,
      int room,
      Instant now,
      long generation,
      Function<String, Long> running,
      List<Task> claimed,
      Map<String, Long> claimedByQueue) {
    if (room <= 0) {
      return Future.succeededFuture();
    }
    ClaimScope kinds = ClaimScope.inLane(lane).dueSince(floors.at(lane, now));
    Map<String, QueueLimit> limits = config.queues();
    // Whether every claim of the pass had room and came back short of it. A claim under a global
    // limit may come back short because of the limit, with due tasks left: it never drains.
    boolean[] drained = {true};
    int[] left = {room};
    Future<Void> chain = Future.succeededFuture();
    for (Map.Entry<String, QueueLimit> queue : limits.entrySet()) {
      chain =
          chain.compose(
              ignored -> {
                int queueRoom =
                    Math.min(
                        left[0], roomOnThisNode(queue.getValue(), running.apply(queue.getKey())));
                Integer globalLimit = queue.getValue().globalConcurrency();
                return take(
                        kinds.inQueue(queue.getKey(), globalLimit),
                        queueRoom,
                        now,
                        claimed,
                        claimedByQueue)
                    .map(
                        count -> {
                          drained[0] &= queueRoom > 0 && count < queueRoom && globalLimit == null;
                          left[0] -= count;
                          return null;
                        });
              });
    }
    return chain
        .compose(
            ignored -> {
              int outsideRoom = left[0];
              ClaimScope others = limits.isEmpty() ? kinds : kinds.outsideQueues(limits.keySet());
              return take(others, outsideRoom, now, claimed, claimedByQueue)
                  .map(count -> drained[0] && outsideRoom > 0 && count < outsideRoom);
            })
        .map(
            drainedAll -> {
              if (drainedAll) {
                floors.drained(lane, now, generation);
              }
              return null;
            });
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

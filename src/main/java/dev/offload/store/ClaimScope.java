package dev.offload.store;

import dev.offload.task.Lane;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * Which due tasks a claim may take: always those of one {@code lane}; of those, any queue (the
 * claim statement {@code TASK_CLAIM_AVAILABLE}), one {@code queue} ({@code TASK_CLAIM_IN_QUEUE}, or
 * within its {@code globalLimit} over all nodes: {@code TASK_CLAIM_IN_QUEUE_GLOBAL_LIMIT}), or any
 * queue but {@code otherThanQueues} ({@code TASK_CLAIM_OUTSIDE_QUEUES}); and only those due at or
 * after {@code dueSince}, if set: the caller's floor, below which it knows no task waits (see
 * {@link AttemptStore#waitingBefore}). A claim for remote workers ({@link
 * AttemptStore#claimRemote}) takes only tasks of their {@code kinds}, in {@code queue} or else in
 * one of {@code queues}.
 */
public record ClaimScope(
    String queue,
    Integer globalLimit,
    Set<String> otherThanQueues,
    Lane lane,
    Instant dueSince,
    Set<String> kinds,
    Set<String> queues) {

  public ClaimScope {
    Objects.requireNonNull(lane, "a claim is always of one lane");
  }

  public static ClaimScope inLane(Lane lane) {
    return new ClaimScope(null, null, Set.of(), lane, null, Set.of(), Set.of());
  }

  /** Remote tasks of {@code kinds} in {@code queues}. */
  public static ClaimScope remote(Set<String> kinds, Set<String> queues) {
    return new ClaimScope(
        null, null, Set.of(), Lane.REMOTE, null, Set.copyOf(kinds), Set.copyOf(queues));
  }

  /** This scope, of the tasks due at or after {@code floor} only; null: all due tasks. */
  public ClaimScope dueSince(Instant floor) {
    return new ClaimScope(queue, globalLimit, otherThanQueues, lane, floor, kinds, queues);
  }

  public ClaimScope inQueue(String name, Integer limitOverAllNodes) {
    return new ClaimScope(name, limitOverAllNodes, Set.of(), lane, dueSince, kinds, Set.of());
  }

  public ClaimScope outsideQueues(Set<String> names) {
    return new ClaimScope(null, null, Set.copyOf(names), lane, dueSince, kinds, queues);
  }

  /**
   * This scope, in {@code names} only: a remote claim's queues, less those claimed on their own.
   */
  public ClaimScope inQueues(Set<String> names) {
    return new ClaimScope(null, null, Set.of(), lane, dueSince, kinds, Set.copyOf(names));
  }
}

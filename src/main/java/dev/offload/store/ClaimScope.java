package dev.offload.store;

import dev.offload.task.Lane;
import java.util.Objects;
import java.util.Set;

/**
 * Which due tasks a claim may take: always those of one {@code lane}; of those, any queue (the
 * claim statement {@code TASK_CLAIM_AVAILABLE}), one {@code queue} ({@code TASK_CLAIM_IN_QUEUE}, or
 * within its {@code globalLimit} over all nodes: {@code TASK_CLAIM_IN_QUEUE_GLOBAL_LIMIT}), or any
 * queue but {@code otherThanQueues} ({@code TASK_CLAIM_OUTSIDE_QUEUES}).
 */
public record ClaimScope(
    String queue, Integer globalLimit, Set<String> otherThanQueues, Lane lane) {

  public ClaimScope {
    Objects.requireNonNull(lane, "a claim is always of one lane");
  }

  public static ClaimScope inLane(Lane lane) {
    return new ClaimScope(null, null, Set.of(), lane);
  }

  public ClaimScope inQueue(String name, Integer limitOverAllNodes) {
    return new ClaimScope(name, limitOverAllNodes, Set.of(), lane);
  }

  public ClaimScope outsideQueues(Set<String> names) {
    return new ClaimScope(null, null, Set.copyOf(names), lane);
  }
}

package dev.offload.store;

import dev.offload.task.Lane;
import java.util.Set;

/**
 * Which due tasks a claim may take. Queues: one queue ({@code queue}, within its {@code globalLimit} over all
 * nodes if not null), or any queue but {@code otherThanQueues}. Lane: that lane's tasks only, or either (null).
 */
public record ClaimScope(String queue, Integer globalLimit, Set<String> otherThanQueues, Lane lane) {

  public static final ClaimScope ANY = new ClaimScope(null, null, Set.of(), null);

  public ClaimScope inQueue(String name, Integer limitOverAllNodes) {
    return new ClaimScope(name, limitOverAllNodes, Set.of(), lane);
  }

  public ClaimScope outsideQueues(Set<String> names) {
    return new ClaimScope(null, null, Set.copyOf(names), lane);
  }

  public ClaimScope inLane(Lane name) {
    return new ClaimScope(queue, globalLimit, otherThanQueues, name);
  }
}

package dev.offload.store;

import java.util.Set;

/**
 * Which due tasks a claim may take. Queues: one queue ({@code queue}, within its {@code globalLimit} over all
 * nodes if not null), or any queue but {@code otherThanQueues}. Lane: {@code "blocking"} or {@code "async"}
 * tasks only, or either (null).
 */
public record ClaimScope(String queue, Integer globalLimit, Set<String> otherThanQueues, String lane) {

  public static final String BLOCKING = "blocking";
  public static final String ASYNC = "async";
  public static final ClaimScope ANY = new ClaimScope(null, null, Set.of(), null);

  public ClaimScope inQueue(String name, Integer limitOverAllNodes) {
    return new ClaimScope(name, limitOverAllNodes, Set.of(), lane);
  }

  public ClaimScope outsideQueues(Set<String> names) {
    return new ClaimScope(null, null, Set.copyOf(names), lane);
  }

  public ClaimScope inLane(String name) {
    return new ClaimScope(queue, globalLimit, otherThanQueues, name);
  }
}

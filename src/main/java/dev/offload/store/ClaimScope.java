package dev.offload.store;

import java.util.Set;

/**
 * Which due tasks a claim may take. Queues: one queue ({@code queue}, within its {@code globalLimit} over all
 * nodes if not null), or any queue but {@code otherThanQueues}. Kinds: only {@code kinds} (null: any kind),
 * and none of {@code otherThanKinds}.
 */
public record ClaimScope(
    String queue, Integer globalLimit, Set<String> otherThanQueues, Set<String> kinds, Set<String> otherThanKinds) {

  public static final ClaimScope ANY = new ClaimScope(null, null, Set.of(), null, Set.of());

  public ClaimScope inQueue(String name, Integer limitOverAllNodes) {
    return new ClaimScope(name, limitOverAllNodes, Set.of(), kinds, otherThanKinds);
  }

  public ClaimScope outsideQueues(Set<String> names) {
    return new ClaimScope(null, null, Set.copyOf(names), kinds, otherThanKinds);
  }

  public ClaimScope ofKinds(Set<String> names) {
    return new ClaimScope(queue, globalLimit, otherThanQueues, Set.copyOf(names), Set.of());
  }

  public ClaimScope notOfKinds(Set<String> names) {
    return new ClaimScope(queue, globalLimit, otherThanQueues, null, Set.copyOf(names));
  }

  /** True when the scope can match no task at all (an empty list of kinds). */
  boolean isEmpty() {
    return kinds != null && kinds.isEmpty();
  }
}

package dev.offload.http;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's open HTTP connections, in all and by client address, shared by every HTTP verticle:
 * file descriptors are the process's, not an event loop's. Decides whether a new connection is
 * served, served for health checks only, or closed at once.
 */
public final class OpenConnections {

  /** What a new connection may do. */
  enum Admission {
    SERVE,
    /** Only {@code /health} and {@code /ready}: the node is full, but can still be probed. */
    HEALTH_ONLY,
    REFUSE
  }

  private final int max;
  private final int maxPerClient;
  private final int health;
  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentHashMap<String, Integer> byClient = new ConcurrentHashMap<>();

  /**
   * @param max connections served fully
   * @param maxPerClient connections from one client address
   * @param health connections beyond {@code max} kept for health checks
   */
  public OpenConnections(int max, int maxPerClient, int health) {
    this.max = max;
    this.maxPerClient = maxPerClient;
    this.health = health;
  }

  /**
   * Counts a new connection from {@code client} unless it is refused; one admitted must be {@link
   * #release}d when it closes.
   */
  Admission admit(String client) {
    if (byClient.merge(client, 1, Integer::sum) > maxPerClient) {
      releaseClient(client);
      return Admission.REFUSE;
    }
    int now = open.incrementAndGet();
    if (now <= max) {
      return Admission.SERVE;
    }
    if (now <= max + health) {
      return Admission.HEALTH_ONLY;
    }
    open.decrementAndGet();
    releaseClient(client);
    return Admission.REFUSE;
  }

  void release(String client) {
    open.decrementAndGet();
    releaseClient(client);
  }

  /** Open connections, refused ones not counted. */
  public int open() {
    return open.get();
  }

  private void releaseClient(String client) {
    // Atomic per key, and the entry goes with its last connection: the map holds live clients only.
    byClient.computeIfPresent(client, (address, count) -> count == 1 ? null : count - 1);
  }
}

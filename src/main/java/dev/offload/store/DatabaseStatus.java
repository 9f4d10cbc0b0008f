package dev.offload.store;

/**
 * Whether this node's database part is up (schema migrated, dispatcher and workers deployed), and
 * if not, why. Written by the node's start-up, read by every HTTP verticle instance.
 */
public final class DatabaseStatus {

  private volatile boolean ready;
  private volatile String lastFailure = "connecting";

  public boolean isReady() {
    return ready;
  }

  public String lastFailure() {
    return lastFailure;
  }

  public void markReady() {
    ready = true;
    lastFailure = null;
  }

  public void recordFailure(String failure) {
    lastFailure = failure;
  }
}

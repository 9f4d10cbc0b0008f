package dev.offload.store;

/**
 * Whether this node has migrated the schema yet, and why not. Written by the node's start-up, read by every
 * HTTP verticle instance.
 */
public final class DatabaseStatus {

  private volatile boolean migrated;
  private volatile String lastFailure = "connecting";

  public boolean isMigrated() {
    return migrated;
  }

  public String lastFailure() {
    return lastFailure;
  }

  public void markMigrated() {
    migrated = true;
    lastFailure = null;
  }

  public void recordFailure(String failure) {
    lastFailure = failure;
  }
}

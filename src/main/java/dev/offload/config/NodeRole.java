package dev.offload.config;

import java.util.Locale;

/**
 * What a node does: serve the API, run tasks, or both. Any number of nodes of each role share a
 * database.
 */
public enum NodeRole {
  /** Serves the HTTP API; runs no tasks. */
  API,
  /** Runs tasks; serves only /health, /ready and /metrics. */
  WORKER,
  /** Both. */
  ALL;

  public boolean servesApi() {
    return this != WORKER;
  }

  public boolean runsTasks() {
    return this != API;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}

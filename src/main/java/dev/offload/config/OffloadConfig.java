package dev.offload.config;

/** The whole, validated configuration of one node. */
public record OffloadConfig(
    String nodeId, HttpConfig http, DatabaseConfig database, WorkerConfig worker, TaskConfig tasks) {

  public OffloadConfig withHttp(HttpConfig replacement) {
    return new OffloadConfig(nodeId, replacement, database, worker, tasks);
  }

  public OffloadConfig withDatabase(DatabaseConfig replacement) {
    return new OffloadConfig(nodeId, http, replacement, worker, tasks);
  }

  public OffloadConfig withWorker(WorkerConfig replacement) {
    return new OffloadConfig(nodeId, http, database, replacement, tasks);
  }

  public OffloadConfig withTasks(TaskConfig replacement) {
    return new OffloadConfig(nodeId, http, database, worker, replacement);
  }
}

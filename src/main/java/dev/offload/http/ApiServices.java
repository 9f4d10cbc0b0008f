package dev.offload.http;

import dev.offload.files.FileStore;
import dev.offload.metrics.TaskMetrics;
import dev.offload.store.DatabaseStatus;
import dev.offload.store.NodeStore;
import dev.offload.store.TaskStore;
import dev.offload.store.WorkerStore;
import dev.offload.submit.RemoteKinds;
import dev.offload.task.TaskHandlers;
import dev.offload.users.UserStore;
import dev.offload.workers.WorkerDirectory;

/**
 * The parts of a node that the HTTP routes use, shared by every HTTP verticle instance; {@code
 * connections} counts the node's open connections; {@code document} describes the API; the last
 * three serve remote workers (docs/workers.md).
 */
public record ApiServices(
    TaskStore tasks,
    NodeStore nodes,
    UserStore users,
    FileStore files,
    TaskHandlers handlers,
    DatabaseStatus database,
    TaskMetrics metrics,
    OpenConnections connections,
    ApiDocument document,
    WorkerStore workers,
    WorkerDirectory workerDirectory,
    RemoteKinds remoteKinds) {}

package dev.offload.http;

import dev.offload.events.EventServices;
import dev.offload.files.FileStore;
import dev.offload.metrics.TaskMetrics;
import dev.offload.stats.StatsServices;
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
 * connections} counts the node's open connections; {@code document} describes the API; {@code
 * workers}, {@code workerDirectory} and {@code remoteKinds} serve remote workers (docs/workers.md);
 * {@code events} and {@code stats} serve the event streams, queues and stats.
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
    RemoteKinds remoteKinds,
    EventServices events,
    StatsServices stats) {}

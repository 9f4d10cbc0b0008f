package dev.offload.http;

import dev.offload.events.EventServices;
import dev.offload.files.FileStore;
import dev.offload.metrics.TaskMetrics;
import dev.offload.stats.StatsServices;
import dev.offload.store.DatabaseStatus;
import dev.offload.store.NodeStore;
import dev.offload.store.TaskStore;
import dev.offload.task.TaskHandlers;
import dev.offload.users.UserStore;

/**
 * The parts of a node that the HTTP routes use, shared by every HTTP verticle instance; {@code
 * connections} counts the node's open connections; {@code document} describes the API; {@code
 * events} and {@code stats} serve the event streams, queues and stats.
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
    EventServices events,
    StatsServices stats) {}

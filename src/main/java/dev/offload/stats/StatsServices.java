package dev.offload.stats;

import dev.offload.store.QueueStore;
import dev.offload.store.StatsStore;

/** What the queue and stats routes of every HTTP verticle share; {@code counts} is the cache. */
public record StatsServices(QueueStore queues, StatsStore stats, TaskCounts counts) {}

package dev.offload.events;

import dev.offload.store.TaskEventStore;

/** What the event routes of every HTTP verticle share: the node's hub, and what streams read. */
public record EventServices(TaskEventHub hub, TaskEventStore store) {}

package dev.offload.events;

import java.util.List;

/** The events of one read of changed tasks, passed from the hub to every HTTP verticle. */
record TaskEvents(List<TaskEvent> events) {}

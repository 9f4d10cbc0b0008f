package dev.offload.store;

import dev.offload.task.TaskState;
import java.util.Set;

/**
 * Which tasks a bulk cancel or retry changes when given a filter rather than ids: any of {@code
 * states} (empty: any state the operation applies to), of {@code kind} and in {@code queue} (null:
 * any), created within {@code created}.
 */
public record BulkFilter(Set<TaskState> states, String kind, String queue, CreatedRange created) {

  public BulkFilter {
    states = Set.copyOf(states);
  }
}

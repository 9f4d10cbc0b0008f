package dev.offload.submit;

import dev.offload.task.InvalidTaskException;
import dev.offload.task.TaskHandler;
import dev.offload.task.TaskHandlers;
import io.vertx.core.json.JsonObject;

/**
 * The checks every new task passes, whoever submits it: its kind is known, and its handler accepts
 * its args. The handler then decides the task's lane ({@link dev.offload.task.Lane#of}).
 */
final class TaskChecks {

  private final TaskHandlers handlers;

  TaskChecks(TaskHandlers handlers) {
    this.handlers = handlers;
  }

  /**
   * @throws InvalidTaskException {@code unknown_kind}
   */
  TaskHandler handlerOf(String kind) {
    return handlers
        .find(kind)
        .orElseThrow(
            () ->
                InvalidTaskException.unknownKind(
                    "unknown kind '" + kind + "'; known kinds: " + knownKinds()));
  }

  /**
   * @throws InvalidTaskException {@code invalid_args}, with the handler's message
   */
  void checkArgs(TaskHandler handler, JsonObject args) {
    try {
      handler.validate(args);
    } catch (IllegalArgumentException e) {
      throw InvalidTaskException.invalidArgs(e.getMessage());
    }
  }

  /** For error messages: sorted, comma-separated. */
  String knownKinds() {
    return String.join(", ", handlers.kinds());
  }
}

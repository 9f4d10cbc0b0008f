package dev.offload.submit;

import dev.offload.task.InvalidTaskException;
import dev.offload.task.TaskHandler;
import dev.offload.task.TaskHandlers;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks every new task passes, whoever submits it: its kind is known, here or to remote
 * workers ({@link RemoteKinds}), and its handler accepts its args. The handler then decides the
 * task's lane ({@link dev.offload.task.Lane#of}).
 */
final class TaskChecks {

  private final TaskHandlers handlers;
  private final RemoteKinds remoteKinds;

  TaskChecks(TaskHandlers handlers, RemoteKinds remoteKinds) {
    this.handlers = handlers;
    this.remoteKinds = remoteKinds;
  }

  /**
   * @throws InvalidTaskException {@code unknown_kind}
   */
  TaskHandler handlerOf(String kind) {
    return handlers
        .find(kind)
        .or(() -> remoteKinds.find(kind))
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

  /** For error messages: sorted, comma-separated, local kinds then remote ones. */
  String knownKinds() {
    List<String> kinds = new ArrayList<>(handlers.kinds());
    remoteKinds.all().forEach(kind -> kinds.add(kind.kind()));
    return String.join(", ", kinds);
  }
}

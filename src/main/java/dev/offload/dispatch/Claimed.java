package dev.offload.dispatch;

import dev.offload.store.RemoteAttempt;
import dev.offload.task.Task;
import java.util.List;

/** What one claim took: tasks to run here, in claim order, and attempts for remote workers. */
record Claimed(List<Task> local, List<RemoteAttempt> remote) {

  int size() {
    return local.size() + remote.size();
  }
}

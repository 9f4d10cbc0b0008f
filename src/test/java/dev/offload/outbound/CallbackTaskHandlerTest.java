package dev.offload.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.offload.task.Callbacks;
import dev.offload.task.Lane;
import org.junit.jupiter.api.Test;

/**
 * The store inserts callback tasks with {@link Callbacks}' values: the handler must agree with
 * them.
 */
class CallbackTaskHandlerTest {

  private final CallbackTaskHandler handler = new CallbackTaskHandler(null, null);

  @Test
  void the_handler_runs_the_kind_the_store_inserts() {
    assertEquals(Callbacks.KIND, handler.kind());
  }

  @Test
  void callback_tasks_are_stored_in_the_lane_of_their_handler() {
    assertEquals(Lane.of(handler), Callbacks.LANE);
  }
}

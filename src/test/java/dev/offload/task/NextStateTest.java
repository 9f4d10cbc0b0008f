package dev.offload.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The next state of a task after an attempt's outcome: no database, no Vert.x, time and policy
 * given.
 */
class NextStateTest {

  private static final Instant NOW = Instant.parse("2025-03-01T09:00:00Z");

  /**
   * Full jitter at its lowest: the backoff after failed attempt n is exactly 10 s * 2^(n-1) / 2.
   */
  private static final RetryPolicy POLICY =
      new RetryPolicy(Duration.ofSeconds(10), Duration.ofHours(1), () -> 0.0);

  @Test
  void a_completed_attempt_completes_the_task_with_its_result_and_no_error() {
    Task task = running(1, 3);

    AttemptEnd end =
        NextState.after(
            task, AttemptOutcome.ofResult(new JsonObject().put("rows", 2)), NOW, POLICY);

    assertEquals(
        new AttemptEnd(task.id(), 1, TaskState.COMPLETED, null, "{\"rows\":2}", null), end);
  }

  @Test
  void a_failed_attempt_with_attempts_left_is_retryable_after_the_backoff_keeping_its_error() {
    Task task = running(1, 3);

    AttemptEnd end = NextState.after(task, AttemptOutcome.failed("boom"), NOW, POLICY);

    assertEquals(TaskState.RETRYABLE, end.state());
    assertEquals(NOW.plusSeconds(5), end.retryAt());
    assertEquals(new AttemptError(NOW, 1, "boom"), end.error());
    assertNull(end.resultJson());
    assertEquals(task.id(), end.taskId());
    assertEquals(1, end.attempt());
  }

  @Test
  void the_backoff_follows_the_number_of_the_attempt_that_failed() {
    AttemptEnd end = NextState.after(running(3, 5), AttemptOutcome.failed("boom"), NOW, POLICY);

    assertEquals(NOW.plusSeconds(20), end.retryAt());
    assertEquals(3, end.error().attempt());
  }

  @Test
  void a_failed_attempt_waits_for_the_delay_its_handler_asked_for_instead_of_the_backoff() {
    AttemptOutcome snooze =
        AttemptOutcome.ofFailure(new RetryTaskException("later", Duration.ofMinutes(7)), null);

    AttemptEnd end = NextState.after(running(1, 3), snooze, NOW, POLICY);

    assertEquals(TaskState.RETRYABLE, end.state());
    assertEquals(NOW.plus(Duration.ofMinutes(7)), end.retryAt());
    assertEquals("later", end.error().message());
  }

  @Test
  void the_last_allowed_attempt_failing_discards_the_task_keeping_its_error() {
    Task task = running(3, 3);

    AttemptEnd failed = NextState.after(task, AttemptOutcome.failed("boom"), NOW, POLICY);
    AttemptEnd snoozed =
        NextState.after(
            task,
            AttemptOutcome.ofFailure(new RetryTaskException("later", Duration.ofMinutes(7)), null),
            NOW,
            POLICY);

    assertEquals(
        new AttemptEnd(
            task.id(), 3, TaskState.DISCARDED, null, null, new AttemptError(NOW, 3, "boom")),
        failed);
    assertEquals(TaskState.DISCARDED, snoozed.state());
    assertNull(snoozed.retryAt());
  }

  @Test
  void a_handler_that_discards_its_task_ends_it_even_with_attempts_left() {
    Task task = running(1, 5);

    AttemptEnd end =
        NextState.after(
            task,
            AttemptOutcome.ofFailure(new DiscardTaskException("input can never work"), null),
            NOW,
            POLICY);

    assertEquals(
        new AttemptEnd(
            task.id(),
            1,
            TaskState.DISCARDED,
            null,
            null,
            new AttemptError(NOW, 1, "input can never work")),
        end);
  }

  @Test
  void an_attempt_stopped_for_its_timeout_fails_with_the_stop_reason_and_is_retried() {
    AttemptOutcome interrupted =
        AttemptOutcome.ofFailure(new InterruptedException(), "attempt timed out after 300ms");

    AttemptEnd end = NextState.after(running(1, 2), interrupted, NOW, POLICY);

    assertEquals(TaskState.RETRYABLE, end.state());
    assertEquals("attempt timed out after 300ms", end.error().message());
  }

  /** A task as claimed: running its attempt {@code attempt} of at most {@code maxAttempts}. */
  private static Task running(int attempt, int maxAttempts) {
    return new Task(
        UUID.randomUUID(),
        "test",
        Lane.BLOCKING,
        NewTask.DEFAULT_QUEUE,
        TaskState.RUNNING,
        new JsonObject(),
        NewTask.DEFAULT_PRIORITY,
        attempt,
        maxAttempts,
        Duration.ofSeconds(30),
        null,
        null,
        List.of(),
        "node-a",
        NOW.minusSeconds(60),
        NOW.minusSeconds(60),
        NOW.minusSeconds(1),
        null,
        null,
        null,
        null,
        null);
  }
}

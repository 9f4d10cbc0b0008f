package dev.offload.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.fault.RunLog.Run;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The fault suite's checker, on histories made up to break each rule once. */
class SetCheckerTest {

  private static final OffsetDateTime CREATED =
      OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
  private static final UUID ID = UUID.randomUUID();

  @Test
  void a_task_acknowledged_stored_once_and_completed_by_its_one_run_is_valid() {
    SetChecker.Report report =
        new SetChecker()
            .acknowledged("k", ID)
            .check(List.of(completed(ID, "k", 1, "a")), Map.of(ID, List.of(run(1, "a"))));
    report.assertValid();
    assertEquals(Map.of(), report.ranMoreThanOnce());
  }

  @Test
  void an_acknowledged_task_missing_is_lost() {
    assertViolation("lost", new SetChecker().acknowledged("k", ID).check(List.of(), Map.of()));
  }

  @Test
  void a_stored_task_nobody_was_answered_for_is_unexpected_unless_its_answer_was_lost() {
    List<StoredTask> stored = List.of(completed(ID, "k", 1, "a"));
    Map<UUID, List<Run>> runs = Map.of(ID, List.of(run(1, "a")));
    assertViolation("unexpected", new SetChecker().check(stored, runs));
    SetChecker.Report report = new SetChecker().indeterminate("k").check(stored, runs);
    report.assertValid();
    assertEquals(1, report.indeterminateStored());
  }

  @Test
  void a_task_in_two_rows_was_final_twice() {
    StoredTask task = completed(ID, "k", 1, "a");
    StoredTask twice =
        new StoredTask(ID, "k", "completed", 1, "a", task.result(), new JsonArray(), CREATED, 2);
    assertViolation(
        "2 rows",
        new SetChecker()
            .acknowledged("k", ID)
            .check(List.of(twice, twice), Map.of(ID, List.of(run(1, "a")))));
  }

  @Test
  void a_task_that_did_not_complete_is_a_violation() {
    StoredTask discarded =
        new StoredTask(ID, "k", "discarded", 1, "a", null, new JsonArray(), CREATED, 1);
    assertViolation(
        "ended discarded",
        new SetChecker()
            .acknowledged("k", ID)
            .check(List.of(discarded), Map.of(ID, List.of(run(1, "a")))));
  }

  @Test
  void a_result_written_by_another_attempt_than_the_last_is_a_late_outcome_taken() {
    StoredTask overwritten =
        new StoredTask(
            ID,
            "k",
            "completed",
            2,
            "b",
            new JsonObject().put("node", "a").put("attempt", 1),
            new JsonArray(),
            CREATED,
            1);
    assertViolation(
        "not its last attempt's",
        new SetChecker()
            .failed("a")
            .acknowledged("k", ID)
            .check(List.of(overwritten), Map.of(ID, List.of(run(1, "a"), run(2, "b")))));
  }

  @Test
  void a_second_run_is_allowed_after_a_failed_node_and_reported_but_not_after_a_healthy_one() {
    List<StoredTask> stored = List.of(completed(ID, "k", 2, "b"));
    Map<UUID, List<Run>> runs = Map.of(ID, List.of(run(1, "a"), run(2, "b")));

    SetChecker.Report afterFailure =
        new SetChecker().failed("a").acknowledged("k", ID).check(stored, runs);
    afterFailure.assertValid();
    assertEquals(Map.of("a", 1L), afterFailure.ranAgainAfter());

    assertViolation(
        "healthy node", new SetChecker().failed("b").acknowledged("k", ID).check(stored, runs));
  }

  @Test
  void a_completed_attempt_that_never_started_is_a_violation() {
    assertViolation(
        "but it started []",
        new SetChecker()
            .acknowledged("k", ID)
            .check(List.of(completed(ID, "k", 1, "a")), Map.of()));
  }

  @Test
  void a_batch_stored_in_part_or_by_two_statements_is_half_stored() {
    UUID second = UUID.randomUUID();
    UUID third = UUID.randomUUID();
    List<StoredTask> firstTwo =
        List.of(completed(ID, "k1", 1, "a"), completed(second, "k2", 1, "a"));
    Map<UUID, List<Run>> runs =
        Map.of(ID, List.of(run(1, "a")), second, List.of(run(1, "a")), third, List.of(run(1, "a")));
    assertViolation(
        "half stored",
        new SetChecker()
            .indeterminate("k1")
            .indeterminate("k2")
            .indeterminate("k3")
            .batch(List.of("k1", "k2", "k3"))
            .check(firstTwo, runs));

    StoredTask later =
        new StoredTask(
            third,
            "k3",
            "completed",
            1,
            "a",
            new JsonObject().put("node", "a").put("attempt", 1),
            new JsonArray(),
            CREATED.plusSeconds(1),
            1);
    assertViolation(
        "by 2 statements",
        new SetChecker()
            .acknowledged("k1", ID)
            .acknowledged("k2", second)
            .acknowledged("k3", third)
            .batch(List.of("k1", "k2", "k3"))
            .check(List.of(firstTwo.get(0), firstTwo.get(1), later), runs));
  }

  private static StoredTask completed(UUID id, String key, int attempt, String node) {
    return new StoredTask(
        id,
        key,
        "completed",
        attempt,
        node,
        new JsonObject().put("node", node).put("attempt", attempt),
        new JsonArray(),
        CREATED,
        1);
  }

  private static Run run(int attempt, String node) {
    return new Run(attempt, node, true);
  }

  private static void assertViolation(String expected, SetChecker.Report report) {
    AssertionError error = assertThrows(AssertionError.class, report::assertValid);
    assertTrue(error.getMessage().contains(expected), error.getMessage());
  }
}

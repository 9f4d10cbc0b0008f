package dev.offload.fault;

import dev.offload.fault.RunLog.Run;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A checker in the style of Jepsen's "set" workload: the test adds elements (submits tasks, each
 * with a unique key of its own) while it injects faults, records what the service answered, and
 * once everything is quiet reads the final set: every task row in PostgreSQL, and the run logs in
 * which the node processes recorded each attempt they started. It then checks that
 *
 * <ul>
 *   <li>every acknowledged task (202, or 200 for a key already stored) is stored under the id the
 *       answer gave: none lost;
 *   <li>no task is stored that no submission may have created (one whose answer was lost, say to a
 *       kill, may be stored or not): nothing unexpected;
 *   <li>each task is in one row and completed: final exactly once;
 *   <li>a batch is stored whole by one statement (one {@code created_at}) or not at all;
 *   <li>the attempt that completed the task ran once, on the node that the row names, and wrote the
 *       result (its handler's {@code node} and {@code attempt}): no late outcome overwrote it;
 *   <li>a task ran more than once only where an earlier attempt ran on a node the test failed
 *       (killed, frozen, cut off): nothing runs twice on a healthy node.
 * </ul>
 *
 * The report says which tasks ran more than once, and on which failed node; a violation names the
 * task, its attempts and their nodes.
 */
final class SetChecker {

  private final Map<String, UUID> acknowledged = new HashMap<>();
  private final Set<String> indeterminate = new HashSet<>();
  private final List<List<String>> batches = new ArrayList<>();
  private final Set<String> failedNodes = new HashSet<>();

  /** The submission of {@code key} was answered with task {@code id}. */
  SetChecker acknowledged(String key, UUID id) {
    acknowledged.put(key, id);
    return this;
  }

  /** The submission of {@code key} got no answer: its task may be stored or not. */
  SetChecker indeterminate(String key) {
    indeterminate.add(key);
    return this;
  }

  /** These keys were sent in one batch. */
  SetChecker batch(List<String> keys) {
    batches.add(List.copyOf(keys));
    return this;
  }

  /** The test failed this node: an attempt on it may run again elsewhere. */
  SetChecker failed(String node) {
    failedNodes.add(node);
    return this;
  }

  Report check(List<StoredTask> stored, Map<UUID, List<Run>> runs) {
    List<String> violations = new ArrayList<>();
    Map<String, StoredTask> byKey = new HashMap<>();
    for (StoredTask task : stored) {
      StoredTask other = byKey.put(task.uniqueKey(), task);
      if (other != null && !other.id().equals(task.id())) {
        violations.add("two tasks hold one key: " + other + " and " + task);
      }
    }
    acknowledged.forEach(
        (key, id) -> {
          StoredTask task = byKey.get(key);
          if (task == null) {
            violations.add("lost: key " + key + " was acknowledged as task " + id);
          } else if (!task.id().equals(id)) {
            violations.add("key " + key + " was acknowledged as task " + id + ", but " + task);
          }
        });
    int indeterminateStored = 0;
    Map<UUID, List<Run>> ranMoreThanOnce = new TreeMap<>();
    for (StoredTask task : stored) {
      if (!acknowledged.containsKey(task.uniqueKey())) {
        if (indeterminate.contains(task.uniqueKey())) {
          indeterminateStored++;
        } else {
          violations.add("unexpected: no submission was answered for " + task);
        }
      }
      List<Run> taskRuns = runs.getOrDefault(task.id(), List.of());
      checkFinalOnce(task, taskRuns, violations);
      if (taskRuns.size() > 1) {
        ranMoreThanOnce.put(task.id(), taskRuns);
      }
    }
    checkBatches(byKey, violations);
    return new Report(
        acknowledged.size(),
        indeterminateStored,
        indeterminate.size() - indeterminateStored,
        ranMoreThanOnce,
        violations);
  }

  private void checkFinalOnce(StoredTask task, List<Run> runs, List<String> violations) {
    String problem = null;
    List<Run> completing = runs.stream().filter(run -> run.attempt() == task.attempt()).toList();
    List<Run> earlier = runs.stream().filter(run -> run.attempt() != task.attempt()).toList();
    if (task.rows() != 1) {
      problem = "stored in " + task.rows() + " rows";
    } else if (!task.state().equals("completed")) {
      problem = "ended " + task.state() + ", not completed";
    } else if (completing.size() != 1 || !completing.get(0).node().equals(task.attemptedBy())) {
      problem = "attempt " + task.attempt() + " completed it, but it started " + completing;
    } else if (task.result() == null
        || !task.attemptedBy().equals(task.result().getString("node"))
        || task.attempt() != task.result().getInteger("attempt", -1)) {
      problem = "its result is not its last attempt's";
    } else if (earlier.stream().anyMatch(run -> run.attempt() > task.attempt())) {
      problem = "an attempt after the one that completed it ran";
    } else if (earlier.stream().map(Run::attempt).distinct().count() != earlier.size()) {
      problem = "one attempt started twice";
    } else if (earlier.stream().anyMatch(run -> !failedNodes.contains(run.node()))) {
      problem = "ran again after an attempt on a healthy node (failed: " + failedNodes + ")";
    }
    if (problem != null) {
      violations.add(problem + ": " + task + "; runs: " + runs);
    }
  }

  private void checkBatches(Map<String, StoredTask> byKey, List<String> violations) {
    for (List<String> batch : batches) {
      List<StoredTask> found = batch.stream().map(byKey::get).filter(t -> t != null).toList();
      long statements = found.stream().map(StoredTask::createdAt).distinct().count();
      if (!found.isEmpty() && (found.size() != batch.size() || statements != 1)) {
        violations.add(
            "batch of "
                + batch.size()
                + " (keys "
                + batch.get(0)
                + "...) half stored: "
                + found.size()
                + " tasks by "
                + statements
                + " statements");
      }
    }
  }

  /** What the check found. */
  record Report(
      int acknowledged,
      int indeterminateStored,
      int indeterminateAbsent,
      Map<UUID, List<Run>> ranMoreThanOnce,
      List<String> violations) {

    /** The nodes whose attempts ran again, with how many each: the failed ones, if all is well. */
    Map<String, Long> ranAgainAfter() {
      return ranMoreThanOnce.values().stream()
          .map(runs -> runs.get(0).node()) // runs come in the order of their attempts
          .collect(Collectors.groupingBy(node -> node, LinkedHashMap::new, Collectors.counting()));
    }

    /** Fails with every violation, the first 20 in full. */
    void assertValid() {
      if (!violations.isEmpty()) {
        throw new AssertionError(
            violations.size()
                + " violations; "
                + this
                + "\n"
                + String.join("\n", violations.subList(0, Math.min(20, violations.size()))));
      }
    }

    @Override
    public String toString() {
      return acknowledged
          + " acknowledged; without an answer: "
          + indeterminateStored
          + " stored, "
          + indeterminateAbsent
          + " not; ran more than once: "
          + ranMoreThanOnce.size()
          + (ranMoreThanOnce.isEmpty() ? "" : " (first attempt on " + ranAgainAfter() + ")")
          + "; violations: "
          + violations.size();
    }
  }
}

package dev.offload.bench;

import java.util.Map;
import java.util.TreeMap;

/**
 * Failed requests, counted by description: a burst where 1,000 requests fail the same way logs one line, not
 * 1,000, yet every distinct cause still shows.
 */
final class ErrorTally {

  private final Map<String, Integer> counts = new TreeMap<>();

  synchronized void add(Throwable failure) {
    String description = failure instanceof UnexpectedResponseException
      ? failure.getMessage()
      : failure.getClass().getSimpleName() + ": " + failure.getMessage();
    counts.merge(description, 1, Integer::sum);
  }

  synchronized int total() {
    return counts.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** Logs to stderr, since stdout carries only the result line. */
  synchronized void log(String label) {
    counts.forEach((description, count) -> System.err.printf("%s: %d x %s%n", label, count, description));
  }
}

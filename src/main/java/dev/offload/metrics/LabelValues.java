package dev.offload.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The values one label may take: the first {@code max} distinct values seen keep a series of their
 * own, and every later one is counted under {@value #OTHER}, which no queue or kind is named
 * (neither may hold parentheses). Queue names are the clients' choice: without a cap, a client
 * could make the node keep series for as many names as it cares to invent. Thread-safe.
 */
final class LabelValues {

  static final String OTHER = "(other)";

  private final int max;
  private final Set<String> kept = ConcurrentHashMap.newKeySet();

  LabelValues(int max) {
    this.max = max;
  }

  /** {@code value} itself while it is one of the first {@code max}, else {@value #OTHER}. */
  String of(String value) {
    if (kept.contains(value)) {
      return value;
    }
    synchronized (this) {
      if (kept.size() < max) {
        kept.add(value);
        return value;
      }
    }
    return OTHER;
  }
}

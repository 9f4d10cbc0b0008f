package dev.offload.support;

import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.MDC;

/**
 * The fields that tie a log line to one request or one task: {@value #REQUEST_ID}, or {@value
 * #TASK_ID} and {@value #KIND}. They go into SLF4J's MDC, which both log formats print (in brackets
 * after the logger; under {@code mdc} in JSON). The MDC belongs to a thread, and an event loop
 * serves many requests and attempts in turn, so the fields are set only while the code that logs
 * about them runs, and put back as they were after it.
 */
public final class LogFields {

  public static final String REQUEST_ID = "request_id";
  public static final String TASK_ID = "task_id";
  public static final String KIND = "kind";

  private final String[] keys;
  private final String[] values;

  private LogFields(String[] keys, String[] values) {
    this.keys = keys;
    this.values = values;
  }

  /** The fields of the request whose {@code X-Request-Id} is {@code requestId}. */
  public static LogFields request(String requestId) {
    return new LogFields(new String[] {REQUEST_ID}, new String[] {requestId});
  }

  /** The fields of a task. */
  public static LogFields task(UUID taskId, String kind) {
    return new LogFields(new String[] {TASK_ID, KIND}, new String[] {taskId.toString(), kind});
  }

  /** Runs {@code action} with these fields on every line it logs on this thread. */
  public void run(Runnable action) {
    get(
        () -> {
          action.run();
          return null;
        });
  }

  /** {@link #run}, for an action with a result. */
  public <T> T get(Supplier<T> action) {
    String[] previous = new String[keys.length];
    for (int i = 0; i < keys.length; i++) {
      previous[i] = MDC.get(keys[i]);
      MDC.put(keys[i], values[i]);
    }
    try {
      return action.get();
    } finally {
      for (int i = 0; i < keys.length; i++) {
        if (previous[i] == null) {
          MDC.remove(keys[i]);
        } else {
          MDC.put(keys[i], previous[i]);
        }
      }
    }
  }
}

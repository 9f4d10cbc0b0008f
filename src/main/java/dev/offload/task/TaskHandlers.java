package dev.offload.task;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.SortedMap;
import java.util.TreeMap;

/** The known kinds and their handlers, as found on the classpath. */
public final class TaskHandlers {

  private final SortedMap<String, TaskHandler> byKind;

  private TaskHandlers(SortedMap<String, TaskHandler> byKind) {
    this.byKind = Collections.unmodifiableSortedMap(byKind);
  }

  /**
   * Every handler listed in META-INF/services on the classpath; two handlers of one kind are an
   * error.
   */
  public static TaskHandlers discover() {
    return discover(List.of());
  }

  /** {@link #discover()}, plus built-in handlers that need the configuration. */
  public static TaskHandlers discover(List<? extends TaskHandler> configured) {
    List<TaskHandler> all = new ArrayList<>(configured);
    ServiceLoader.load(TaskHandler.class).stream()
        .map(ServiceLoader.Provider::get)
        .forEach(all::add);
    return of(all);
  }

  public static TaskHandlers of(Collection<? extends TaskHandler> handlers) {
    SortedMap<String, TaskHandler> byKind = new TreeMap<>();
    for (TaskHandler handler : handlers) {
      TaskHandler previous = byKind.put(handler.kind(), handler);
      if (previous != null) {
        throw new IllegalStateException(
            "two handlers for kind '"
                + handler.kind()
                + "': "
                + previous.getClass().getName()
                + " and "
                + handler.getClass().getName());
      }
    }
    return new TaskHandlers(byKind);
  }

  /** These handlers and {@code more}; two of one kind are an error. */
  public TaskHandlers plus(List<? extends TaskHandler> more) {
    List<TaskHandler> all = new ArrayList<>(byKind.values());
    all.addAll(more);
    return of(all);
  }

  public Optional<TaskHandler> find(String kind) {
    return Optional.ofNullable(byKind.get(kind));
  }

  /** Sorted, for error messages. */
  public Collection<String> kinds() {
    return byKind.keySet();
  }
}

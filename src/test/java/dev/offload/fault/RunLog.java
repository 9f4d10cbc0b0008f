package dev.offload.fault;

import dev.offload.testing.handlers.RecordingHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * What the node processes themselves recorded of the attempts they started: the run logs that
 * {@code test.record} ({@link RecordingHandler}) writes, one file per node in one directory.
 */
final class RunLog {

  /** One attempt started on {@code node}; {@code ended} once its handler returned. */
  record Run(int attempt, String node, boolean ended) {
    @Override
    public String toString() {
      return "attempt " + attempt + " on " + node + (ended ? "" : " (never returned)");
    }
  }

  private final Path directory;

  RunLog(Path directory) {
    this.directory = directory;
  }

  /** The file node {@code node} writes: the value of its {@value RecordingHandler#RUN_LOG}. */
  Path fileOf(String node) {
    return directory.resolve(node + ".log");
  }

  /** Every attempt started so far, by task, in the order of their attempts. */
  Map<UUID, List<Run>> runs() {
    Map<UUID, List<Run>> runs = new HashMap<>();
    List<String> lines = lines();
    Set<String> ended = new HashSet<>();
    for (String line : lines) {
      if (line.startsWith("end ")) {
        ended.add(line.substring("end ".length()));
      }
    }
    for (String line : lines) {
      if (line.startsWith("start ")) {
        String[] fields = line.split(" ");
        runs.computeIfAbsent(UUID.fromString(fields[1]), id -> new ArrayList<>())
            .add(
                new Run(
                    Integer.parseInt(fields[2]),
                    fields[3],
                    ended.contains(line.substring("start ".length()))));
      }
    }
    runs.values().forEach(list -> list.sort(Comparator.comparingInt(Run::attempt)));
    return runs;
  }

  /** How many attempts {@code node} has started. */
  long startedOn(String node) {
    return runs().values().stream()
        .flatMap(List::stream)
        .filter(run -> run.node().equals(node))
        .count();
  }

  /** How many attempts have started, on all nodes. */
  long started() {
    return runs().values().stream().mapToLong(List::size).sum();
  }

  private List<String> lines() {
    try (Stream<Path> files = Files.list(directory)) {
      List<String> lines = new ArrayList<>();
      for (Path file : files.sorted().toList()) {
        // A line being written may be cut short: only whole lines count.
        String text = Files.readString(file);
        int end = text.lastIndexOf('\n');
        if (end >= 0) {
          lines.addAll(List.of(text.substring(0, end).split("\n")));
        }
      }
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

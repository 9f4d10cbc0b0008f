package dev.offload.dispatch;

import java.util.List;

/**
 * Reports of one remote worker, sent to this node's dispatcher on {@link Addresses#REMOTE_REPORT}.
 * The answer is a {@link Taken}: for each report, in order, whether it was taken (false: its lease
 * token no longer holds the attempt, and nothing changed).
 */
public record RemoteReports(List<RemoteReport> reports) {

  public record Taken(List<Boolean> taken) {}
}

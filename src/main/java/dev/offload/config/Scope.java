package dev.offload.config;

import java.util.Locale;
import java.util.Optional;

/**
 * What a bearer token may do. Each route needs one scope once any token is configured; which one is
 * decided in one table, {@code dev.offload.http.RouteScopes}. No scope implies another: a token
 * lists every scope it needs.
 */
public enum Scope {
  /** Reads: tasks and their results, users, {@code /fetch-data}, the demo routes. */
  READ,
  /** Submissions and task changes: tasks, batches, cancel, retry, uploads, user writes. */
  SUBMIT,
  /**
   * For remote workers, which register, claim and report on tasks over HTTP (docs/workers.md): the
   * {@code /workers} routes but the listing.
   */
  WORK,
  /** The {@code /admin} routes: the node list and live scaling. */
  ADMIN,
  /**
   * {@code /metrics} alone, for a Prometheus scraper: its token should not also read tasks, whose
   * args may hold the credentials of outbound calls.
   */
  METRICS;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Scope> fromWireName(String name) {
    for (Scope scope : values()) {
      if (scope.wireName().equals(name)) {
        return Optional.of(scope);
      }
    }
    return Optional.empty();
  }
}

package dev.offload.fuzz;

import java.util.Optional;

/**
 * One fuzz case's exchange with the node: it sends, and checks what comes back against the
 * properties, throwing an {@link AssertionError} that says what broke. Run again, it sends the same
 * bytes. Its {@code toString()} shows what it sends, so that a failure can be replayed by hand.
 */
interface Probe {

  /**
   * @return a finding already reported that the answer shows, instead of failing on it: the case is
   *     then skipped, with the finding
   */
  Optional<String> exchange();
}

package dev.offload.dispatch;

import dev.offload.store.RemoteWorker;
import java.time.Duration;
import java.util.UUID;

/**
 * A remote worker's claim, sent to this node's dispatcher on {@link Addresses#REMOTE_CLAIM}: up to
 * {@code max} attempts, waiting up to {@code waitFor} for the first. The answer is a {@link
 * ClaimedAttempts}. {@code id} tells this claim from the worker's others: a claim whose client went
 * away is ended by sending a {@link Cancel} with its id on the same address.
 */
public record RemoteClaim(UUID id, RemoteWorker worker, int max, Duration waitFor) {

  /** Ends the worker's claim {@code claimId} if it still waits; answered with nothing. */
  public record Cancel(UUID workerId, UUID claimId) {}
}

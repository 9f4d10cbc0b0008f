package dev.offload.dispatch;

/**
 * Whether the dispatcher claims by itself. {@link #AUTOMATIC} in production: it claims whenever it
 * is woken (local submissions, freed capacity, NOTIFY, the next-due timer, polling). {@link
 * #MANUAL} for tests that move a clock: nothing wakes it, and it claims only when asked on {@link
 * Addresses#DISPATCHER_CYCLE}, once per request (see {@code dev.offload.testing.ManualDispatcher}).
 * Everything else runs as in production: attempts, timeouts, outcomes, leases, cancel requests.
 */
public enum DispatchMode {
  AUTOMATIC,
  MANUAL
}

/**
 * Offload's JavaScript client: submit tasks and follow them (`Offload`), and run tasks of your own
 * kinds in this process (`Worker`). Node.js 18 or later, no dependencies.
 */
export { Offload, FINAL_STATES } from './client.js';
export { Worker, Context, Discard, RetryLater, Stopped } from './worker.js';
export {
  OffloadError, BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PayloadTooLarge,
  Unavailable, WaitTimeout,
} from './errors.js';

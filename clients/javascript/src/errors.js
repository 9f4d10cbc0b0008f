/**
 * Typed errors for what an Offload node answers with: `{"error": {"code", "message"}}` and a
 * 4xx or 5xx status (docs/api.md, "Errors"). Catch a subclass, or look at `status` and `code`.
 */

/** An error answer of the API. */
export class OffloadError extends Error {
  /**
   * @param {number} status HTTP status
   * @param {string} code the error's code, e.g. `task_not_found`
   * @param {string} message what the node said
   * @param {number | null} [retryAfter] the `Retry-After` header in seconds (503s), else null
   */
  constructor(status, code, message, retryAfter = null) {
    super(`${status} ${code}: ${message}`);
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    /** The node's message, without the status and code. */
    this.detail = message;
    this.retryAfter = retryAfter;
  }
}

/** 400: invalid_field, invalid_args, unknown_kind, invalid_json, invalid_id, ... */
export class BadRequest extends OffloadError {}
/** 401: the token is missing or unknown. */
export class Unauthorized extends OffloadError {}
/** 403: the token lacks the scope the route needs (the message names it). */
export class Forbidden extends OffloadError {}
/** 404: task_not_found, worker_not_found, or no such route (not_found). */
export class NotFound extends OffloadError {}
/** 409: task_state_conflict, idempotency_conflict, kind_conflict, stale_lease. */
export class Conflict extends OffloadError {}
/** 413: args or a result over the node's payload limit, or a body over its route's limit. */
export class PayloadTooLarge extends OffloadError {}
/** 503: overloaded, database_unavailable, ...; send again after `retryAfter` seconds. */
export class Unavailable extends OffloadError {}

/** `wait()` gave up before the task ended; `task` is the last state seen (or null). */
export class WaitTimeout extends Error {
  /**
   * @param {string} taskId
   * @param {number} timeout seconds
   * @param {object | null} task
   */
  constructor(taskId, timeout, task) {
    super(`task ${taskId} did not end within ${timeout} s (it is ${task ? task.state : 'unknown'})`);
    this.name = 'WaitTimeout';
    this.taskId = taskId;
    this.task = task;
  }
}

const BY_STATUS = new Map([
  [400, BadRequest], [401, Unauthorized], [403, Forbidden], [404, NotFound], [409, Conflict],
  [413, PayloadTooLarge], [503, Unavailable],
]);

/**
 * The error of the class `status` maps to.
 * @param {number} status
 * @param {string} code
 * @param {string} message
 * @param {number | null} [retryAfter]
 * @returns {OffloadError}
 */
export function errorFor(status, code, message, retryAfter = null) {
  const Type = BY_STATUS.get(status) ?? OffloadError;
  return new Type(status, code, message, retryAfter);
}

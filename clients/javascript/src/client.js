/** Submitting tasks and following them: `Offload`. */
import { WaitTimeout } from './errors.js';
import { Http, errorOf } from './http.js';

/** The states a task does not leave (unless retried). */
export const FINAL_STATES = new Set(['completed', 'cancelled', 'discarded']);

/**
 * A task: the JSON task resource of docs/api.md ("The task resource"), as a plain object.
 * @typedef {{id: string, kind: string, state: string, args?: object, result?: unknown,
 *   errors?: {at: string, attempt: number, message: string}[], attempt: number,
 *   progress: number | null, attempted_by: string | null, [field: string]: unknown}} Task
 */

/**
 * Options of a submission, as `POST /tasks` takes them (a misspelt one is a BadRequest).
 * @typedef {{queue?: string, priority?: number, max_attempts?: number, timeout?: number | string,
 *   delay?: number | string, run_at?: Date | string, unique_key?: string, callback_url?: string}}
 *   SubmitOptions
 */

/** A client of one Offload node (or of a load balancer in front of several). */
export class Offload {
  /**
   * @param {string} url the node's base URL
   * @param {string | null} [token] a bearer token with the `submit` and `read` scopes
   * @param {{timeout?: number}} [options] seconds to wait for any one answer (30)
   */
  constructor(url, token = null, { timeout = 30 } = {}) {
    this.url = url;
    this.http = new Http(url, token, timeout);
    /** @type {boolean | null} whether the node streams task events; null: not known yet */
    this.events = null;
  }

  /**
   * Submits a task of `kind`; resolves to it once it is stored (202).
   * @param {string} kind
   * @param {object} [args]
   * @param {SubmitOptions} [options]
   * @returns {Promise<Task>}
   */
  submit(kind, args, options = {}) {
    return this.http.call('/tasks', { method: 'POST', body: submission(kind, args, options) });
  }

  /**
   * Submits up to 1,000 tasks in one statement, all or none; resolves to their ids in order. With
   * `idempotencyKey` the batch is one idempotent request.
   * @param {({kind: string, args?: object} & SubmitOptions)[]} tasks
   * @param {{idempotencyKey?: string}} [options]
   * @returns {Promise<string[]>}
   */
  async submitMany(tasks, { idempotencyKey } = {}) {
    const body = { tasks: tasks.map(({ kind, args, ...options }) => submission(kind, args, options)) };
    const headers = idempotencyKey ? { 'idempotency-key': idempotencyKey } : undefined;
    return (await this.http.call('/tasks/batch', { method: 'POST', body, headers })).ids;
  }

  /**
   * The task as it is now; NotFound (`task_not_found`) if there is none.
   * @param {string} id
   * @returns {Promise<Task>}
   */
  get(id) {
    return this.http.call(path(id));
  }

  /**
   * Cancels a task: a waiting one at once; a running one is asked to stop (still `running`, with
   * `cancel_requested_at`). Conflict if it has already ended.
   * @param {string} id
   * @returns {Promise<Task>}
   */
  cancel(id) {
    return this.http.call(`${path(id)}/cancel`, { method: 'POST' });
  }

  /**
   * Runs a `discarded` or `cancelled` task again, now. Conflict otherwise.
   * @param {string} id
   * @returns {Promise<Task>}
   */
  retry(id) {
    return this.http.call(`${path(id)}/retry`, { method: 'POST' });
  }

  /**
   * Resolves to the task once it is final (completed, cancelled or discarded), with its `result`
   * or `errors`; a failed task resolves too (look at `state`). Follows the node's event stream
   * (`GET /tasks/{id}/events`) where it has one, else polls with a backoff from 50 ms to 1 s.
   * Rejects with WaitTimeout after `timeout` seconds (none: no limit).
   * @param {string} id
   * @param {{timeout?: number}} [options]
   * @returns {Promise<Task>}
   */
  async wait(id, { timeout } = {}) {
    const deadline = timeout === undefined ? Infinity : Date.now() + timeout * 1000;
    if (this.events !== false) {
      const task = await this.#follow(id, deadline, timeout);
      if (task) return task;
    }
    let pause = 50;
    for (;;) {
      const task = await this.get(id);
      if (FINAL_STATES.has(task.state)) return task;
      const left = deadline - Date.now();
      if (left <= 0) throw new WaitTimeout(id, timeout ?? 0, task);
      await sleep(Math.min(pause, left));
      pause = Math.min(pause * 1.5, 1000);
    }
  }

  /**
   * Waits on the event stream; null if the node has none.
   * @param {string} id
   * @param {number} deadline
   * @param {number | undefined} timeout
   * @returns {Promise<Task | null>}
   */
  async #follow(id, deadline, timeout) {
    let last = null;
    for (;;) {
      const controller = new AbortController();
      const timer = deadline === Infinity ? null : setTimeout(() => controller.abort(), deadline - Date.now());
      try {
        const response = await this.http.send(`${path(id)}/events`, {
          headers: { accept: 'text/event-stream' },
          signal: controller.signal,
          timeout: null, // the deadline's own timer ends it
        });
        if (response.status >= 400) {
          const error = errorOf(response, await response.text());
          if (error.status === 404 && error.code === 'not_found') {
            this.events = false; // a node without the route: remember, and poll
            return null;
          }
          throw error;
        }
        this.events = true;
        for await (const task of events(response)) {
          last = task;
          if (FINAL_STATES.has(task.state)) {
            controller.abort();
            return await this.get(id); // the stream leaves out result and errors
          }
        }
      } catch (error) {
        if (!controller.signal.aborted) throw error;
      } finally {
        if (timer) clearTimeout(timer);
      }
      if (Date.now() >= deadline) throw new WaitTimeout(id, timeout ?? 0, last);
    }
  }
}

/**
 * The `data` of each server-sent event of a response, parsed as JSON.
 * @param {Response} response
 * @returns {AsyncGenerator<Task>}
 */
async function* events(response) {
  const decoder = new TextDecoder();
  let buffer = '';
  /** @type {string[]} */
  let data = [];
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, end).replace(/\r$/, '');
      buffer = buffer.slice(end + 1);
      if (line.startsWith('data:')) {
        data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
      } else if (line === '' && data.length) {
        yield JSON.parse(data.join('\n'));
        data = [];
      }
    }
  }
}

/** @param {string} id */
function path(id) {
  return `/tasks/${encodeURIComponent(id)}`;
}

/**
 * @param {string} kind
 * @param {object | undefined} args
 * @param {SubmitOptions} options
 */
function submission(kind, args, options) {
  /** @type {Record<string, unknown>} */
  const body = { kind };
  if (args !== undefined) body.args = args;
  for (const [name, value] of Object.entries(options)) {
    body[name] = value instanceof Date ? value.toISOString() : value;
  }
  return body;
}

/** @param {number} ms */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Running tasks in this process: `Worker`, the remote worker of docs/workers.md.
 *
 * Handlers are async functions; up to `concurrency` attempts run at once on the event loop. Loops
 * talk to the node: claimers (long polls for as many attempts as there are free slots), flushers
 * (outcomes of finished attempts in batches, the next gathering while one is in flight; and
 * progress), and the heartbeat (renews every lease held in one request per registration and learns
 * of cancels). The node lets one claim per worker id wait at a time, so a worker with more than 100
 * slots registers once per 100 of them (at most 4 times, same name): a lane each, with its claim
 * loop and its share of the slots, so that the node answers one lane's claim while the worker runs
 * another's attempts.
 */
import os from 'node:os';
import { Conflict, NotFound, OffloadError } from './errors.js';
import { Http, encode, parseDuration } from './http.js';
import { sleep } from './client.js';

const CLAIM_MAX = 100;
const BATCH_MAX = 1000;
/** The most lanes (registrations, so claims in flight) and outcome batches in flight at once. */
const LANES_MAX = 4;
const ERROR_CHARS = 4000;

/** Throw in a handler to end the task `discarded` now, whatever attempts it has left. */
export class Discard extends Error {
  name = 'Discard';
}

/** Throw in a handler to fail this attempt and retry after `retryIn` instead of the node's backoff. */
export class RetryLater extends Error {
  name = 'RetryLater';
  /**
   * @param {string} [message]
   * @param {number | string} [retryIn] seconds, or a duration such as "30s"
   */
  constructor(message = 'retry later', retryIn = 1) {
    super(message);
    this.retryIn = retryIn;
  }
}

/** What a handler may throw once `ctx.stopRequested` is set (any error will do). */
export class Stopped extends Error {
  name = 'Stopped';
}

/**
 * @callback Handler
 * @param {Record<string, any>} args the task's args
 * @param {Context} ctx its attempt
 * @returns {unknown | Promise<unknown>} the result (any JSON)
 */

/** What a handler knows of its attempt, and how it reports back. */
export class Context {
  /** @type {string | null} why stop was requested: cancel, shutdown, lost */
  #reason = null;
  #controller = new AbortController();
  #worker;

  /**
   * @param {Worker} worker
   * @param {Lane} lane the registration that claimed it
   * @param {{task: any, attempt: number, lease_token: string, timeout_at?: string}} attempt
   */
  constructor(worker, lane, attempt) {
    this.#worker = worker;
    /** @internal */
    this.lane = lane;
    /** The id of the registration that claimed the attempt (its reports go to it). */
    this.workerId = lane.id;
    /** The task resource. */
    this.task = attempt.task;
    this.taskId = attempt.task.id;
    this.kind = attempt.task.kind;
    /** 1 for the first attempt. */
    this.attempt = attempt.attempt;
    this.leaseToken = attempt.lease_token;
    /** When the node ends the attempt (ISO text). */
    this.timeoutAt = attempt.timeout_at ?? null;
    /** An outcome is queued or sent; later ones are dropped. */
    this.done = false;
    /** @internal when it was claimed (performance.now()) */
    this.claimedAt = performance.now();
  }

  get args() {
    return this.task.args ?? {};
  }

  /** Aborted when stop is requested: pass it to fetch and the like. */
  get signal() {
    return this.#controller.signal;
  }

  /**
   * True once the task's cancel was requested, its lease was lost, or the worker is stopping
   * after its grace: the handler should return or throw soon.
   */
  get stopRequested() {
    return this.#controller.signal.aborted;
  }

  /** True when the stop comes from a cancel of the task (seen through the heartbeat). */
  get cancelRequested() {
    return this.#reason === 'cancel';
  }

  /** @internal */
  get stopReason() {
    return this.#reason;
  }

  /**
   * Sleeps up to `seconds`, waking early when stop is requested; resolves to `stopRequested`.
   * @param {number} seconds
   * @returns {Promise<boolean>}
   */
  wait(seconds) {
    if (this.stopRequested) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve(this.stopRequested);
      };
      const timer = setTimeout(() => {
        this.signal.removeEventListener('abort', done);
        resolve(false);
      }, seconds * 1000);
      this.signal.addEventListener('abort', done, { once: true });
    });
  }

  /**
   * Reports progress, 0..1, with an optional message; only the latest value is sent.
   * @param {number} fraction
   * @param {string} [message]
   */
  progress(fraction, message) {
    if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`progress must be from 0 to 1, got ${fraction}`);
    /** @type {Record<string, unknown>} */
    const body = { lease_token: this.leaseToken, progress: fraction };
    if (message !== undefined) body.message = message;
    this.#worker.queueProgress(this, encode(body));
  }

  /**
   * @internal
   * @param {string} reason
   */
  requestStop(reason) {
    this.#reason ??= reason;
    this.#controller.abort();
  }
}

/**
 * Runs the tasks of the kinds it registers, pulled from an Offload node over HTTP.
 *
 * A handler's return value (any JSON) completes the task; a thrown error fails the attempt (the
 * node retries it with backoff until `max_attempts`), `Discard` ends it discarded, `RetryLater`
 * chooses the delay. On SIGTERM or SIGINT the worker stops claiming, lets running attempts finish
 * within `grace` seconds, then hands the rest back (the attempt does not count) and `run()`
 * resolves; a second signal skips the rest of the grace.
 */
export class Worker {
  /** @type {Map<string, Handler>} */
  #handlers = new Map();
  /** @type {Map<string, object>} */
  #schemas = new Map();
  /** @type {Map<string, Context>} by lease token, until the node has its outcome */
  #running = new Map();
  /** @type {[Context, string][]} */
  #outcomes = [];
  /** @type {Map<string, [Context, string]>} latest progress body by lease token */
  #progress = new Map();
  /** @type {Set<Promise<void>>} */
  #flushes = new Set();
  /** @type {Lane[]} */
  #lanes = [];
  #stopping = false;
  #hurry = false;
  /** @type {(() => void)[]} */
  #slotWaiters = [];
  #claimAbort = new AbortController();
  #heartbeatTimer = null;
  #heartbeatInterval = 20;
  #lease = 60;
  /** @type {Error | null} */
  #fatal = null;

  /**
   * @param {string} url the node's base URL
   * @param {string | null} [token] a token with the `work` scope
   * @param {{concurrency?: number, name?: string, queues?: string[], grace?: number,
   *   claimWait?: number, timeout?: number, logger?: Logger}} [options] `concurrency` (8): attempts at once;
   *   `name`: shown in the tasks' `attempted_by` (default host-pid); `grace` (30): seconds running
   *   attempts get on shutdown; `claimWait` (30): seconds one claim waits for work; `logger`
   *   (console): where the lines go
   */
  constructor(url, token = null, { concurrency = 8, name, queues = ['default'], grace = 30, claimWait = 30, timeout = 30, logger = console } = {}) {
    if (!(concurrency >= 1 && concurrency <= 1000)) throw new RangeError('concurrency must be from 1 to 1000');
    this.url = url;
    this.http = new Http(url, token, timeout);
    this.concurrency = concurrency;
    this.name = name ?? `${os.hostname()}-${process.pid}`;
    this.queues = queues;
    this.grace = grace;
    this.claimWait = claimWait;
    /** @type {Logger} */
    this.logger = logger;
    const lanes = Math.min(LANES_MAX, Math.ceil(concurrency / CLAIM_MAX));
    for (let i = 0; i < lanes; i += 1) {
      this.#lanes.push({ index: i, slots: Math.floor(concurrency / lanes) + (i < concurrency % lanes ? 1 : 0), id: null, held: 0 });
    }
  }

  /**
   * The id the node gave this worker (null before it registered); with several lanes, the first
   * one's (`ids` has them all).
   * @returns {string | null}
   */
  get id() {
    return this.#lanes[0].id;
  }

  /** @returns {(string | null)[]} */
  get ids() {
    return this.#lanes.map((lane) => lane.id);
  }

  /**
   * @param {'info' | 'warn' | 'error'} level
   * @param {string} line
   */
  #log = (level, line) => {
    this.logger[level](`${new Date().toISOString()} offload.worker ${line}`);
  };

  /**
   * Registers `handler` for `kind`. `argsSchema`, a JSON Schema (draft 2020-12), makes the node
   * check the args of every submission of the kind.
   * @param {string} kind
   * @param {Handler} handler
   * @param {{argsSchema?: object}} [options]
   * @returns {this}
   */
  task(kind, handler, { argsSchema } = {}) {
    this.#handlers.set(kind, handler);
    if (argsSchema) this.#schemas.set(kind, argsSchema);
    return this;
  }

  /** Asks `run()` to stop, as SIGTERM does. */
  stop() {
    if (this.#stopping) this.#hurry = true;
    this.#stopping = true;
    this.#claimAbort.abort();
    this.#wakeAll();
  }

  /**
   * Registers, then runs tasks until SIGTERM, SIGINT or `stop()`; resolves once running attempts
   * have finished or been handed back. Rejects with what the node refused for good (a bad token,
   * a kind built into the node, an invalid schema).
   * @param {{signals?: boolean}} [options] `signals` (true): stop on SIGTERM and SIGINT
   * @returns {Promise<void>}
   */
  async run({ signals = true } = {}) {
    if (this.#handlers.size === 0) throw new Error('no handlers: register one with worker.task(kind, fn)');
    const onSignal = () => this.stop();
    if (signals) for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, onSignal);
    try {
      await this.#registerUntilDone();
      if (this.ids.includes(null)) { // stopped while registering
        await this.#unregister();
        return;
      }
      this.#heartbeatTimer = setInterval(() => this.#heartbeat(), this.#heartbeatInterval * 1000);
      await Promise.all(this.#lanes.map((lane) => this.#claimLoop(lane)));
      await this.#shutdown();
    } finally {
      clearInterval(this.#heartbeatTimer);
      if (signals) for (const signal of ['SIGTERM', 'SIGINT']) process.off(signal, onSignal);
    }
    if (this.#fatal) throw this.#fatal;
  }

  // -- registering ---------------------------------------------------------------------------

  /** @param {Lane} lane */
  async #register(lane) {
    const kinds = [...this.#handlers.keys()].map((kind) =>
      this.#schemas.has(kind) ? { kind, args_schema: this.#schemas.get(kind) } : kind);
    const answer = await this.http.call('/workers', {
      method: 'POST',
      body: { name: this.name, kinds, queues: this.queues, concurrency: lane.slots },
    });
    this.#heartbeatInterval = parseDuration(answer.heartbeat_interval);
    this.#lease = parseDuration(answer.lease);
    lane.id = answer.id;
    this.#log('info', `worker ${this.name} registered as ${lane.id} for ${[...this.#handlers.keys()].join(', ')} (${lane.slots} slots)`);
  }

  async #registerUntilDone() {
    const trouble = new Trouble('registering', this.#log);
    for (const lane of this.#lanes) {
      while (lane.id === null && !this.#stopping) {
        try {
          await this.#register(lane);
        } catch (error) {
          if (!transient(error)) throw error;
          await trouble.failed(error);
        }
      }
    }
  }

  /**
   * After a 404 worker_not_found: the node forgot this lane's registration.
   * @param {Lane} lane
   * @param {string | null} staleId
   */
  async #registerAgain(lane, staleId) {
    if (lane.id !== staleId) return;
    lane.registering ??= (async () => {
      this.#log('warn', `the node does not know worker ${staleId} any more: registering again`);
      try {
        await this.#register(lane);
      } finally {
        lane.registering = null;
      }
    })();
    await lane.registering;
  }


  // -- claiming ------------------------------------------------------------------------------

  /** @param {Lane} lane */
  async #claimLoop(lane) {
    const trouble = new Trouble('claiming', this.#log);
    const wait = `${this.claimWait}s`;
    while (!this.#stopping) {
      if (lane.held >= lane.slots) {
        await new Promise((resolve) => this.#slotWaiters.push(resolve));
        continue;
      }
      const workerId = lane.id;
      let answer;
      try {
        answer = await this.http.call(`/workers/${workerId}/claim`, {
          method: 'POST',
          rawBody: `{"max":${Math.min(CLAIM_MAX, lane.slots - lane.held)},"wait":"${wait}"}`,
          timeout: this.claimWait + 15,
          signal: this.#claimAbort.signal,
        });
        trouble.ok();
      } catch (error) {
        if (this.#stopping) return;
        if (error instanceof NotFound) await this.#registerAgain(lane, workerId).catch((e) => trouble.failed(e));
        else if (transient(error)) await trouble.failed(error);
        else {
          this.#log('error', `worker ${this.name} stops: ${error}`);
          this.#fatal = error;
          this.stop();
        }
        continue;
      }
      for (const attempt of answer.attempts) this.#start(new Context(this, lane, attempt));
    }
  }

  /** Wakes whatever waits for a free slot (claimers, the shutdown's grace). */
  #wakeAll() {
    for (const resolve of this.#slotWaiters.splice(0)) resolve();
  }

  /** @param {Context} ctx */
  #start(ctx) {
    this.#running.set(ctx.leaseToken, ctx);
    ctx.lane.held += 1;
    if (this.#stopping) {
      this.#finish(ctx, release(ctx), 'released'); // claimed while stopping: hand it back
      return;
    }
    this.#run(ctx);
  }

  /** @param {Context} ctx */
  async #run(ctx) {
    const handler = this.#handlers.get(ctx.kind);
    try {
      if (!handler) throw new Discard(`worker ${this.name} has no handler for kind ${ctx.kind}`);
      const result = await handler(ctx.args, ctx);
      let outcome;
      try {
        outcome = `{"lease_token":${JSON.stringify(ctx.leaseToken)},"complete":{"result":${encode(result ?? null)}}}`;
      } catch (error) {
        throw new TypeError(`the result is not JSON: ${error.message}`);
      }
      this.#finish(ctx, outcome, 'completed');
    } catch (error) {
      if (error instanceof Discard) {
        this.#finish(ctx, fail(ctx, error.message || 'discarded', { discard: true }), 'discarded', error);
      } else if (error instanceof RetryLater) {
        this.#finish(ctx, fail(ctx, error.message, { retry_in: error.retryIn }), 'failed', error);
      } else if (ctx.stopReason === 'shutdown') {
        this.#finish(ctx, release(ctx), 'released');
      } else {
        const name = error instanceof Error ? error.name : 'Error';
        const message = error instanceof Error ? error.message : String(error);
        const what = ctx.stopReason === 'cancel' ? 'cancelled' : 'failed';
        this.#finish(ctx, fail(ctx, `${name}: ${message}`), what, error);
      }
    }
  }

  /**
   * @param {Context} ctx
   * @param {string} outcome
   * @param {string} what
   * @param {unknown} [error]
   */
  #finish(ctx, outcome, what, error) {
    const dropped = ctx.done;
    if (!dropped) {
      ctx.done = true;
      this.#outcomes.push([ctx, outcome]);
      this.#progress.delete(ctx.leaseToken);
      this.#flush();
    }
    if (dropped && what === 'released') return; // its handler ended after the hand-back at shutdown
    const ms = (performance.now() - ctx.claimedAt).toFixed(1);
    const level = error !== undefined && what !== 'cancelled' && !dropped ? 'warn' : 'info';
    const suffix = error !== undefined ? `: ${error}` : '';
    this.#log(level, `${ctx.kind} ${ctx.taskId} attempt ${ctx.attempt} ${what}${dropped ? ' after it was handed back (outcome dropped)' : ''} in ${ms} ms${suffix}`);
  }

  /**
   * @internal
   * @param {Context} ctx
   * @param {string} body
   */
  queueProgress(ctx, body) {
    if (ctx.done) return;
    this.#progress.set(ctx.leaseToken, [ctx, body]);
    this.#flush();
  }

  // -- reporting -----------------------------------------------------------------------------

  /** Sends what is queued: up to one batch in flight per claim loop, the next gathering meanwhile. */
  #flush() {
    while (this.#flushes.size < this.#lanes.length && (this.#outcomes.length || this.#progress.size)) {
      const flushing = (async () => {
        while (this.#outcomes.length || this.#progress.size) {
          const progress = [...this.#progress.values()];
          this.#progress.clear();
          for (const [ctx, body] of progress) await this.#sendProgress(ctx, body);
          /** @type {Map<Lane, [Context, string][]>} */
          const byLane = new Map();
          for (const item of this.#outcomes.splice(0, BATCH_MAX)) {
            const lane = item[0].lane;
            if (!byLane.has(lane)) byLane.set(lane, []);
            byLane.get(lane).push(item);
          }
          for (const [lane, batch] of byLane) await this.#sendOutcomes(lane, batch);
        }
      })().finally(() => this.#flushes.delete(flushing));
      this.#flushes.add(flushing);
    }
  }

  /**
   * @param {Context} ctx
   * @param {string} body
   */
  async #sendProgress(ctx, body) {
    try {
      await this.http.call(`/workers/${ctx.workerId}/progress`, { method: 'POST', rawBody: body });
    } catch (error) {
      if (!(error instanceof Conflict)) this.#log('warn', `progress not sent: ${error}`);
    }
  }

  /**
   * Reports the outcomes of one lane's attempts.
   * @param {Lane} lane
   * @param {[Context, string][]} batch
   */
  async #sendOutcomes(lane, batch) {
    const body = `{"outcomes":[${batch.map(([, outcome]) => outcome).join(',')}]}`;
    const trouble = new Trouble('reporting outcomes', this.#log);
    // Past its lease an attempt is the node's to rescue: the outcome would be refused then.
    const giveUp = Date.now() + this.#lease * 1000;
    let answers = null;
    while (answers === null && Date.now() < giveUp) {
      const workerId = lane.id;
      try {
        answers = (await this.http.call(`/workers/${workerId}/outcomes`, { method: 'POST', rawBody: body })).outcomes;
        trouble.ok();
      } catch (error) {
        if (error instanceof NotFound) await this.#registerAgain(lane, workerId).catch((e) => trouble.failed(e));
        else await trouble.failed(error);
      }
    }
    batch.forEach(([ctx], i) => {
      const answer = answers?.[i] ?? { status: 0 };
      if (answer.status === 413) {
        this.#outcomes.push([ctx, fail(ctx, "the result is over the node's payload limit")]);
        return;
      }
      if (answer.status === 409) {
        this.#log('info', `${ctx.kind} ${ctx.taskId} attempt ${ctx.attempt}: the node refused its outcome (${answer.error?.message ?? 'stale lease'}): the attempt is no longer this worker's`);
      } else if (answer.status !== 204) {
        this.#log('error', `${ctx.kind} ${ctx.taskId} attempt ${ctx.attempt}: outcome ${answers ? `refused: ${JSON.stringify(answer.error)}` : 'not delivered; the lease will bring it back'}`);
      }
      if (this.#running.delete(ctx.leaseToken)) lane.held -= 1;
    });
    this.#wakeAll();
  }

  async #heartbeat() {
    if (this.#beating) return;
    this.#beating = true;
    try {
      for (const lane of this.#lanes) {
        try {
          await this.#beat(lane);
          this.#heartbeatTrouble.ok();
        } catch (error) {
          this.#heartbeatTrouble.report(error);
        }
      }
    } finally {
      this.#beating = false;
    }
  }

  /**
   * Renews the leases of one lane's attempts; stops those the node has taken back or whose cancel
   * was requested.
   * @param {Lane} lane
   */
  async #beat(lane) {
    const workerId = lane.id;
    const held = new Map([...this.#running].filter(([, ctx]) => ctx.lane === lane));
    const tokens = [...held.keys()];
    for (let i = 0; i < Math.max(1, tokens.length); i += BATCH_MAX) {
      let answer;
      try {
        answer = await this.http.call(`/workers/${workerId}/heartbeat`, {
          method: 'POST', body: { lease_tokens: tokens.slice(i, i + BATCH_MAX) },
        });
      } catch (error) {
        if (!(error instanceof NotFound)) throw error;
        await this.#registerAgain(lane, workerId);
        return;
      }
      for (const lease of answer.leases) {
        const ctx = held.get(lease.lease_token);
        if (!ctx) continue;
        if (!lease.ok) ctx.requestStop('lost');
        else if (lease.cancel_requested) ctx.requestStop('cancel');
      }
    }
  }

  #beating = false;
  #heartbeatTrouble = new Trouble('heartbeat', this.#log);

  // -- stopping ------------------------------------------------------------------------------

  async #shutdown() {
    this.#log('info', `worker ${this.name} stopping: ${this.#running.size} attempts running, ${this.grace} s to finish`);
    const deadline = Date.now() + this.grace * 1000;
    while (this.#running.size && !this.#hurry && Date.now() < deadline) {
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        this.#slotWaiters.push(wake);
      });
    }
    for (const ctx of [...this.#running.values()]) {
      if (ctx.done) continue;
      ctx.requestStop('shutdown');
      this.#finish(ctx, release(ctx), 'released');
    }
    while (this.#flushes.size) await Promise.all(this.#flushes);
    clearInterval(this.#heartbeatTimer);
    await this.#unregister();
    this.#log('info', `worker ${this.name} stopped`);
  }

  async #unregister() {
    for (const lane of this.#lanes) {
      if (lane.id === null) continue;
      try {
        // Whatever the node still counts as this worker's goes back too.
        await this.http.call(`/workers/${lane.id}`, { method: 'DELETE' });
      } catch (error) {
        this.#log('warn', `worker ${this.name}: could not unregister ${lane.id}: ${error}`);
      }
    }
  }
}

/**
 * One registration of a worker with the node: its id, its share of the slots, the attempts it
 * holds (the node lets one claim per registration wait at a time).
 * @typedef {{index: number, slots: number, id: string | null, held: number,
 *   registering?: Promise<void> | null}} Lane
 */

/**
 * @param {Context} ctx
 * @param {string} error
 * @param {{retry_in?: number | string, discard?: boolean}} [options]
 */
function fail(ctx, error, options = {}) {
  const text = error.length > ERROR_CHARS ? `${error.slice(0, ERROR_CHARS)}...` : error;
  return `{"lease_token":${JSON.stringify(ctx.leaseToken)},"fail":${encode({ error: text, ...options })}}`;
}

/** @param {Context} ctx */
function release(ctx) {
  return `{"lease_token":${JSON.stringify(ctx.leaseToken)},"release":{}}`;
}

/** @param {unknown} error whether trying again may help (the network, a 5xx, a 503) */
function transient(error) {
  if (error instanceof OffloadError) return error.status >= 500;
  return true;
}

/**
 * Where a worker logs: one line per attempt (info when it went as planned, warn when it failed),
 * and one per change of the connection's health. `console` by default.
 * @typedef {{info: (line: string) => void, warn: (line: string) => void, error: (line: string) => void}} Logger
 */

/**
 * Retrying with backoff (100 ms doubling to 5 s, or the node's Retry-After), one warning when
 * failures start and one line when they end, not one per retry.
 */
class Trouble {
  /**
   * @param {string} what
   * @param {(level: 'info' | 'warn' | 'error', line: string) => void} log
   */
  constructor(what, log) {
    this.what = what;
    this.log = log;
    this.pause = 100;
    this.failing = null;
  }

  /** @param {unknown} error */
  report(error) {
    const text = String(error);
    if (text !== this.failing) this.log('warn', `${this.what} failed, retrying: ${text}`);
    this.failing = text;
  }

  /** @param {unknown} error */
  async failed(error) {
    this.report(error);
    const retryAfter = error instanceof OffloadError && error.retryAfter ? error.retryAfter * 1000 : 0;
    await sleep(retryAfter || this.pause);
    this.pause = Math.min(this.pause * 2, 5000);
  }

  ok() {
    if (this.failing !== null) this.log('info', `${this.what} works again`);
    this.failing = null;
    this.pause = 100;
  }
}

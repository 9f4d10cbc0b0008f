// The worker against a real node: complete, retry, discard, progress, cancel, the long poll's
// wake-up; and workers in processes of their own, killed with SIGKILL or stopped with SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import readline from 'node:readline';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as offload from '../src/index.js';
import { Http } from '../src/http.js';
import { secondsBetween, startNode, uniqueKind } from './node.js';

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker-process.js');
const quiet = { info() {}, warn() {}, error: console.error };
let node;
/** @type {offload.Offload} */
let client;

before(async () => {
  node = await startNode('clients-js-worker');
  client = new offload.Offload(node.url, node.token);
});
after(() => node?.stop());

/**
 * A worker of `kind` running `handler` until the test ends.
 * @param {import('node:test').TestContext} t
 * @param {string} kind
 * @param {import('../src/worker.js').Handler} handler
 * @param {object} [options]
 */
async function start(t, kind, handler, { argsSchema, ...options } = {}) {
  const worker = new offload.Worker(node.url, node.token, { concurrency: 4, name: `js-${kind}`, grace: 2, logger: quiet, ...options });
  worker.task(kind, handler, { argsSchema });
  const running = worker.run({ signals: false });
  worker.stopped = async () => {
    worker.stop();
    await running;
  };
  t.after(worker.stopped);
  const deadline = Date.now() + 30_000;
  while (worker.id === null) {
    assert.ok(Date.now() < deadline, 'the worker did not register');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return worker;
}

test('a handler\'s result completes the task', async (t) => {
  const kind = uniqueKind('js');
  const worker = await start(t, kind, (args, ctx) => ({ echo: args, attempt: ctx.attempt }));
  const done = await client.wait((await client.submit(kind, { n: 1 })).id, { timeout: 30 });
  assert.equal(done.state, 'completed');
  assert.deepEqual(done.result, { echo: { n: 1 }, attempt: 1 });
  assert.equal(done.attempted_by, worker.name);
});

test('a failed attempt is retried after a backoff', async (t) => {
  const kind = uniqueKind('js');
  await start(t, kind, async (args, ctx) => {
    if (ctx.attempt === 1) throw new TypeError('boom');
    return 'second time lucky';
  });
  const done = await client.wait((await client.submit(kind)).id, { timeout: 30 });
  assert.deepEqual([done.state, done.attempt, done.result], ['completed', 2, 'second time lucky']);
  assert.match(done.errors[0].message, /TypeError: boom/);
  // tasks.retry_base is 100 ms on the test node: the first backoff is drawn from 50..100 ms.
  assert.ok(secondsBetween(done.errors[0].at, done.attempted_at) >= 0.05);
});

test('RetryLater chooses the delay', async (t) => {
  const kind = uniqueKind('js');
  await start(t, kind, (args, ctx) => {
    if (ctx.attempt === 1) throw new offload.RetryLater('rate limited', '1s');
    return 'ok';
  });
  const done = await client.wait((await client.submit(kind)).id, { timeout: 30 });
  assert.deepEqual([done.state, done.attempt], ['completed', 2]);
  assert.ok(secondsBetween(done.errors[0].at, done.attempted_at) >= 1);
});

test('Discard ends the task whatever attempts are left', async (t) => {
  const kind = uniqueKind('js');
  await start(t, kind, () => { throw new offload.Discard('not an image'); });
  const done = await client.wait((await client.submit(kind, {}, { max_attempts: 5 })).id, { timeout: 30 });
  assert.deepEqual([done.state, done.attempt], ['discarded', 1]);
  assert.match(done.errors[0].message, /not an image/);
});

test('progress shows in the task while it runs', async (t) => {
  const kind = uniqueKind('js');
  let release;
  const seen = new Promise((resolve) => { release = resolve; });
  await start(t, kind, async (args, ctx) => {
    ctx.progress(0.5, 'halfway');
    await seen;
    return 'done';
  });
  const task = await client.submit(kind);
  const deadline = Date.now() + 20_000;
  while ((await client.get(task.id)).progress !== 0.5) {
    assert.ok(Date.now() < deadline, 'progress 0.5 never showed');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  release();
  const done = await client.wait(task.id, { timeout: 30 });
  assert.deepEqual([done.state, done.progress], ['completed', 1]);
});

test('a cancel reaches the running handler through the heartbeat', async (t) => {
  const kind = uniqueKind('js');
  let started;
  const running = new Promise((resolve) => { started = resolve; });
  const saw = [];
  await start(t, kind, async (args, ctx) => {
    started();
    await ctx.wait(30);
    saw.push([ctx.stopRequested, ctx.cancelRequested, ctx.signal.aborted]);
    throw new offload.Stopped('cancelled');
  });
  const task = await client.submit(kind);
  await running;
  assert.equal((await client.cancel(task.id)).state, 'running');
  assert.equal((await client.wait(task.id, { timeout: 20 })).state, 'cancelled');
  assert.deepEqual(saw, [[true, true, true]]);
});

test('an args schema is checked at submission', async (t) => {
  const kind = uniqueKind('js');
  const argsSchema = { type: 'object', required: ['width'], properties: { width: { type: 'integer', minimum: 1 } } };
  await start(t, kind, (args) => args.width, { argsSchema });
  await assert.rejects(client.submit(kind, { width: 'wide' }), (error) =>
    error instanceof offload.BadRequest && error.code === 'invalid_args' && /width/.test(error.detail));
  assert.equal((await client.wait((await client.submit(kind, { width: 3 })).id, { timeout: 30 })).result, 3);
});

test('an idle worker starts a task within 50 ms of its submission', async (t) => {
  const kind = uniqueKind('js');
  await start(t, kind, () => null);
  await client.wait((await client.submit(kind)).id, { timeout: 30 }); // warm both sides up
  const waits = [];
  for (let i = 0; i < 5; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 200)); // back in its long poll, idle
    const done = await client.wait((await client.submit(kind)).id, { timeout: 30 });
    waits.push(secondsBetween(done.created_at, done.attempted_at));
  }
  // The node's own timestamps; the median, so that one hiccup of a shared machine does not decide.
  const median = [...waits].sort((a, b) => a - b)[2];
  assert.ok(median <= 0.05, `created to attempted: ${waits}`);
});

/**
 * A worker process, once it has registered; `started()` resolves the next attempt it starts.
 * @param {import('node:test').TestContext} t
 */
async function spawnWorker(t, kind, name, concurrency, grace) {
  const child = spawn(process.execPath, [script, node.url, node.token, kind, name, String(concurrency), String(grace)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  child.started = async () => JSON.parse((await lines.next()).value);
  const http = new Http(node.url, node.token, 30);
  const deadline = Date.now() + 30_000;
  while (!(await http.call('/workers')).workers.some((worker) => worker.name === name)) {
    assert.ok(child.exitCode === null && Date.now() < deadline, `${name} did not register`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return child;
}

test('a killed worker\'s task is rescued after the lease, and its late complete is refused', async (t) => {
  const kind = uniqueKind('proc');
  const doomed = await spawnWorker(t, kind, 'doomed', 1, 30);
  const task = await client.submit(kind, { seconds: 600 }, { max_attempts: 3 });
  const attempt = await doomed.started();
  assert.equal(attempt.task_id, task.id);
  doomed.kill('SIGKILL');
  await once(doomed, 'exit');

  await start(t, kind, () => 'rescued', { name: 'rescuer' });
  const done = await client.wait(task.id, { timeout: 30 }); // the test node's lease is 3 s
  assert.deepEqual([done.state, done.attempt, done.result, done.attempted_by], ['completed', 2, 'rescued', 'rescuer']);
  assert.equal(done.errors.length, 1);

  const late = new Http(node.url, node.token, 30);
  await assert.rejects(
    late.call(`/workers/${attempt.worker_id}/complete`, { method: 'POST', body: { lease_token: attempt.lease_token, result: 'late' } }),
    (error) => error instanceof offload.Conflict && error.code === 'stale_lease');
  assert.equal((await client.get(task.id)).result, 'rescued');
});

test('SIGTERM lets running tasks finish and hands the rest back uncounted', async (t) => {
  const kind = uniqueKind('proc');
  const worker = await spawnWorker(t, kind, 'terminated', 2, 2.5);
  const quick = await client.submit(kind, { seconds: 1 });
  const slow = await client.submit(kind, { seconds: 600 });
  const started = new Set([(await worker.started()).task_id, (await worker.started()).task_id]);
  assert.deepEqual(started, new Set([quick.id, slow.id]));
  const waiting = await client.submit(kind, { seconds: 0 }); // no free slot: not claimed

  const signalled = Date.now();
  worker.kill('SIGTERM');
  const [code] = await once(worker, 'exit');
  assert.equal(code, 0);
  assert.ok(Date.now() - signalled < (2.5 + 5) * 1000);

  const finished = await client.get(quick.id);
  assert.deepEqual([finished.state, finished.attempt], ['completed', 1]);
  for (const id of [slow.id, waiting.id]) {
    const handedBack = await client.get(id);
    assert.deepEqual([handedBack.state, handedBack.attempt, handedBack.errors], ['available', 0, []]);
  }
});

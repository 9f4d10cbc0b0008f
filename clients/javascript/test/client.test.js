// The client against a real node: submit, get, cancel, retry, wait, and the typed errors.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as offload from '../src/index.js';
import { READ_TOKEN, startNode } from './node.js';

let node;
/** @type {offload.Offload} */
let client;
const unknownId = '01a22fbe-1a78-7000-a72c-030f536283c2';

before(async () => {
  node = await startNode('clients-js-client');
  client = new offload.Offload(node.url, node.token);
});
after(() => node?.stop());

test('submit resolves to the stored task, and get reads it', async () => {
  const task = await client.submit('noop', undefined, { priority: 1, max_attempts: 2 });
  assert.equal(task.kind, 'noop');
  assert.equal(task.priority, 1);
  assert.equal((await client.get(task.id)).id, task.id);
});

test('a Date option is sent as ISO text', async () => {
  const task = await client.submit('noop', {}, { run_at: new Date(Date.now() + 3600_000), timeout: '90s' });
  assert.equal(task.state, 'scheduled');
  assert.equal(task.timeout, '90s');
});

test('wait resolves to the final task with its result', async () => {
  const task = await client.submit('sleep', { seconds: 0.2 });
  const done = await client.wait(task.id, { timeout: 30 });
  assert.equal(done.state, 'completed');
  assert.equal(done.result.message, 'Task Completed');
});

test('wait gives up after its timeout with the last state seen', async () => {
  const task = await client.submit('noop', {}, { delay: '1h' });
  await assert.rejects(client.wait(task.id, { timeout: 0.3 }), (error) => {
    assert.ok(error instanceof offload.WaitTimeout);
    assert.equal(error.taskId, task.id);
    assert.equal(error.task.state, 'scheduled');
    return true;
  });
});

test('cancel, then retry, a waiting task', async () => {
  const task = await client.submit('noop', {}, { delay: '1h' });
  assert.equal((await client.cancel(task.id)).state, 'cancelled');
  assert.equal((await client.wait(task.id, { timeout: 5 })).state, 'cancelled');
  assert.equal((await client.retry(task.id)).state, 'available');
});

test('submitMany resolves to the ids in order, the same ids again with the same key', async () => {
  const tasks = [{ kind: 'noop' }, { kind: 'sleep', args: { seconds: 0 }, priority: 1 }];
  const key = `batch-${process.pid}-${Date.now()}`;
  const ids = await client.submitMany(tasks, { idempotencyKey: key });
  assert.equal(ids.length, 2);
  assert.equal((await client.get(ids[1])).kind, 'sleep');
  assert.deepEqual(await client.submitMany(tasks, { idempotencyKey: key }), ids);
});

test('errors are typed and carry status, code and message', async () => {
  await assert.rejects(client.submit('no.such.kind'), (error) => {
    assert.ok(error instanceof offload.BadRequest);
    assert.equal(error.status, 400);
    assert.equal(error.code, 'unknown_kind');
    assert.match(error.detail, /no\.such\.kind/);
    return true;
  });
  await assert.rejects(client.submit('noop', {}, { prio: 1 }), { code: 'invalid_field' });
  await assert.rejects(client.get(unknownId), offload.NotFound);
  await assert.rejects(client.wait(unknownId, { timeout: 5 }), { code: 'task_not_found' });
  const done = await client.wait((await client.submit('noop')).id, { timeout: 30 });
  await assert.rejects(client.cancel(done.id), (error) => error instanceof offload.Conflict && error.code === 'task_state_conflict');
});

test('a missing or weak token is refused', async () => {
  await assert.rejects(new offload.Offload(node.url).get(unknownId), offload.Unauthorized);
  await assert.rejects(new offload.Offload(node.url, READ_TOKEN).submit('noop'), (error) =>
    error instanceof offload.Forbidden && /submit/.test(error.detail));
});

test('JSON the node would refuse is refused before sending', async () => {
  await assert.rejects(client.submit('noop', { x: Number.NaN }), RangeError);
});

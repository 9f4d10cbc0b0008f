// The dashboard in headless Chromium (Debian's package), driven by Playwright, against a running node:
//   OFFLOAD_URL=http://127.0.0.1:8080 OFFLOAD_TOKEN=<a token with every scope> node --test dashboard.test.mjs
// DashboardBrowserTest starts a node and runs this file (mvn -B verify -Pbrowser). Nothing here sleeps: every
// step waits for what the page or the API shows. Screenshots of every view, at 1280x800 and at a phone's
// 390x844, go to SCREENSHOTS (default ../../target/screenshots).

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const BASE = process.env.OFFLOAD_URL || 'http://127.0.0.1:8080';
const TOKEN = process.env.OFFLOAD_TOKEN || '';
const SCREENSHOTS = process.env.SCREENSHOTS || resolve(dirname(fileURLToPath(import.meta.url)), '../../target/screenshots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const WAIT_MS = 30_000;

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

// ---- the API, as a client would call it -----------------------------------------------------------

async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  if (TOKEN) headers.authorization = `Bearer ${TOKEN}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(BASE + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${method} ${path}: ${response.status} ${text}`);
  }
  return text ? JSON.parse(text) : null;
}

const submit = async (task) => (await api('POST', '/tasks', task)).id;
const task = (id) => api('GET', `/tasks/${id}`);

/** Polls until check() returns a truthy value, and returns it; fails after WAIT_MS naming what it waited for. */
async function until(what, check) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const inState = (id, state) => until(`task ${id} ${state}`, async () => (await task(id)).state === state);

// ---- the browser ------------------------------------------------------------------------------------

let browser;
let page;
const pageErrors = [];

async function shoot(name) {
  // Passing notices would hide part of a full-page screenshot.
  await page.evaluate(() => document.getElementById('notices').replaceChildren());
  for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: join(SCREENSHOTS, `${size}-${name}.png`), fullPage: true });
  }
  await page.setViewportSize(DESKTOP);
}

/** Goes to a view by its hash, as a link does: the page is not reloaded. */
async function view(hash) {
  await page.evaluate((h) => {
    location.hash = h;
  }, hash);
}

async function confirm(label) {
  const dialog = page.locator('#confirm-dialog');
  await dialog.waitFor({ state: 'visible' });
  await dialog.getByRole('button', { name: label }).click();
  await dialog.waitFor({ state: 'hidden' });
}

before(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: DESKTOP });
  page.setDefaultTimeout(WAIT_MS);
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

after(async () => {
  await browser?.close();
});

describe('the dashboard', { concurrency: false }, () => {
  test('asks for the token the node wants, keeps it for the tab, and goes live', async () => {
    await page.goto(`${BASE}/`);
    if (TOKEN) {
      const dialog = page.getByRole('dialog', { name: 'Token' });
      await dialog.waitFor();
      await dialog.getByRole('textbox', { name: 'Token' }).fill('not-the-token-0123456789');
      await dialog.getByRole('button', { name: 'Use this token' }).click();
      await page.getByText('The node does not accept this token.').waitFor();
      await dialog.getByRole('textbox', { name: 'Token' }).fill(TOKEN);
      await dialog.getByRole('button', { name: 'Use this token' }).click();
      await dialog.waitFor({ state: 'hidden' });
      assert.equal(await page.evaluate(() => sessionStorage.getItem('offload.token')), TOKEN);
      assert.equal(await page.evaluate(() => localStorage.length), 0);
    }
    await page.locator('#live[data-state="live"]').waitFor();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    // Marks this document: a reload would lose it.
    await page.evaluate(() => {
      window.notReloaded = true;
    });
  });

  test('tasks submitted over the API appear and progress live, without a reload', async () => {
    await view('/tasks');
    await page.locator('#tasks-status').getByText(/task|No task/).waitFor();
    const id = await submit({ kind: 'sleep', args: { seconds: 3 } });
    const others = await Promise.all([1, 2, 3].map((n) => submit({ kind: 'noop', args: { n } })));

    const row = page.locator(`tr[data-id="${id}"]`);
    await row.waitFor();
    for (const other of others) {
      await page.locator(`tr[data-id="${other}"][data-state="completed"]`).waitFor();
    }
    // Progress moves on while the page only listens.
    await page.locator(`tr[data-id="${id}"][data-state="running"] progress`).waitFor();
    const seen = await (
      await page.waitForFunction((taskId) => {
        const value = Number(document.querySelector(`tr[data-id="${taskId}"] progress`)?.value || 0);
        return value > 0 && value;
      }, id)
    ).jsonValue();
    await page.waitForFunction(
      ([taskId, before]) =>
        Number(document.querySelector(`tr[data-id="${taskId}"] progress`)?.value || 0) > before ||
        document.querySelector(`tr[data-id="${taskId}"][data-state="completed"]`) !== null,
      [id, seen],
    );
    await shoot('tasks');
    await page.locator(`tr[data-id="${id}"][data-state="completed"]`).waitFor();
    assert.equal(await page.evaluate(() => window.notReloaded), true, 'the page was not reloaded');
  });

  test('a running task is cancelled from its detail page', async () => {
    const id = await submit({ kind: 'sleep', args: { seconds: 120 }, unique_key: `browser-cancel-${Date.now()}` });
    await page.locator(`tr[data-id="${id}"] a`).click();
    await page.getByRole('heading', { name: `Task ${id}` }).waitFor();
    await page.locator('.summary .badge.state-running').waitFor();
    await page.waitForFunction(() => Number(document.querySelector('#task-progress progress')?.value) > 0);
    await page.getByRole('heading', { name: 'Args' }).waitFor();
    await shoot('task');

    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await confirm('Cancel task');
    await page.locator('.summary .badge.state-cancelled').waitFor();
    assert.equal((await task(id)).state, 'cancelled');
    assert.equal(await page.evaluate(() => window.notReloaded), true, 'the page was not reloaded');
  });

  test('a queue paused from the Queues view is not claimed from until it is resumed there', async () => {
    const queue = `browser-${Date.now().toString(36)}`;
    await inState(await submit({ kind: 'noop', queue }), 'completed');
    await view('/queues');
    const row = page.locator(`tr[data-queue="${queue}"]`);
    await row.getByRole('button', { name: `Pause ${queue}` }).click();
    await confirm(`Pause ${queue}`);
    await page.locator(`tr[data-queue="${queue}"][data-paused="true"]`).waitFor();
    assert.equal((await api('GET', '/queues')).queues.find((q) => q.name === queue).paused, true);

    // Submitted first, so any claim that runs the later task would have taken it, were its queue active.
    const waiting = await submit({ kind: 'noop', queue });
    await inState(await submit({ kind: 'noop' }), 'completed');
    assert.equal((await task(waiting)).state, 'available', 'a paused queue is skipped by claims');
    await page.locator(`tr[data-queue="${queue}"] td:nth-child(3)`).getByText('1', { exact: true }).waitFor();
    await shoot('queues');

    await row.getByRole('button', { name: `Resume ${queue}` }).click();
    await page.locator(`tr[data-queue="${queue}"][data-paused="false"]`).waitFor();
    await inState(waiting, 'completed');
  });

  test('discarded tasks selected together are retried in one go', async () => {
    const queue = `bulk-${Date.now().toString(36)}`;
    // Each attempt times out: with one attempt allowed, the task is discarded.
    const failing = { kind: 'sleep', args: { seconds: 60 }, timeout: '100ms', max_attempts: 1, queue };
    const ids = [await submit(failing), await submit(failing), await submit(failing)];
    await Promise.all(ids.map((id) => inState(id, 'discarded')));

    await view(`/tasks?state=discarded&queue=${queue}`);
    for (const id of ids) {
      await page.locator(`tr[data-id="${id}"][data-state="discarded"]`).waitFor();
    }
    await page.getByRole('checkbox', { name: 'Select every task on this page' }).check();
    await page.locator('#selected-count').getByText('3 selected').waitFor();
    await page.getByRole('button', { name: 'Retry selected' }).click();
    await confirm('Retry 3');
    await page.getByText('Retry: 3 of 3 changed.').waitFor();
    // Each ran a second attempt (which timed out again).
    for (const id of ids) {
      await until(`task ${id} attempted again`, async () => {
        const now = await task(id);
        return now.attempt === 2 && now.state === 'discarded';
      });
    }
    await page.locator(`tr[data-id="${ids[0]}"] td.col-attempt`).getByText('2/2').waitFor();
  });

  test('nodes show their worker verticles, which the +/- control changes', async () => {
    await view('/nodes');
    // A node is listed once its agent has written its first heartbeat.
    const node = await until('a node that runs tasks listed', async () => (await api('GET', '/admin/nodes')).nodes.find((n) => n.role !== 'api'));
    const output = page.locator(`tr[data-node="${node.id}"] output`);
    await output.getByText(String(node.worker_instances), { exact: true }).waitFor();
    await page.getByRole('button', { name: `One worker verticle more on ${node.id}` }).click();
    await output.getByText(String(node.worker_instances + 1), { exact: true }).waitFor();
    await page.getByRole('button', { name: `One worker verticle fewer on ${node.id}` }).click();
    await output.getByText(String(node.worker_instances), { exact: true }).waitFor();
    await shoot('nodes');
  });

  test('the overview counts by state and queue, and charts the last minutes', async () => {
    await view('/');
    await page.locator('#throughput canvas').waitFor();
    await page.locator('#latency canvas').waitFor();
    await page.waitForFunction(() => Number(document.querySelector('[data-state="completed"].figure')?.textContent.replace(/\D/g, '')) > 0);
    await page.locator('#counts-by-queue tbody tr').first().waitFor();
    await page.locator('#oldest-waiting tbody tr').first().waitFor();
    await shoot('overview');
    assert.deepEqual(pageErrors, [], 'no script error on any view');
  });
});

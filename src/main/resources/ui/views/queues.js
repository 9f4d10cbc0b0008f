// Queues: depth by state, running attempts, limits, and pause / resume.

import { get, post } from '../api.js';
import { confirmAction, count, duration, fill, h, notice, reportFailure, table, throttle } from '../dom.js';

const REFRESH_MS = 10_000;

function limit(value) {
  return value === null || value === undefined ? 'none' : count(value);
}

export function mount(main, { feed }) {
  const error = h('p', { class: 'error', role: 'alert' });
  const list = h('div', { id: 'queues' });
  main.append(
    h('h1', {}, 'Queues'),
    h('p', { class: 'muted' }, 'A paused queue still takes submissions; no node or worker claims its tasks until it is resumed.'),
    error,
    list,
  );

  async function load() {
    try {
      const { queues } = await get('/queues');
      error.textContent = '';
      fill(
        list,
        queues.length === 0
          ? h('p', { class: 'muted' }, 'No queue is configured and no task has been submitted yet.')
          : table(
              'Queues',
              ['queue', 'status', 'available', 'scheduled', 'running', 'retryable', 'oldest waiting for', 'limit per node', 'global limit'],
              queues.map((queue) =>
                h(
                  'tr',
                  { 'data-queue': queue.name, 'data-paused': String(queue.paused) },
                  h('th', { scope: 'row' }, h('a', { href: `#/tasks?queue=${encodeURIComponent(queue.name)}` }, queue.name)),
                  // The control beside the state it changes: in sight on a phone too.
                  h(
                    'td',
                    {},
                    h(
                      'span',
                      { class: 'status' },
                      queue.paused ? h('span', { class: 'badge paused' }, 'paused') : h('span', { class: 'badge active' }, 'active'),
                      queue.paused
                        ? h('button', { type: 'button', class: 'primary', 'aria-label': `Resume ${queue.name}`, onclick: () => change(queue.name, 'resume') }, 'Resume')
                        : h('button', { type: 'button', class: 'danger', 'aria-label': `Pause ${queue.name}`, onclick: () => change(queue.name, 'pause') }, 'Pause'),
                    ),
                  ),
                  h('td', { class: 'number' }, count(queue.counts.available)),
                  h('td', { class: 'number' }, count(queue.counts.scheduled)),
                  h('td', { class: 'number' }, count(queue.counts.running)),
                  h('td', { class: 'number' }, count(queue.counts.retryable)),
                  h('td', { class: 'number' }, duration(queue.oldest_waiting_age_ms)),
                  h('td', { class: 'number' }, limit(queue.limits.per_node)),
                  h('td', { class: 'number' }, limit(queue.limits.global)),
                ),
              ),
            ),
      );
    } catch (e) {
      error.textContent = `Queues could not be read: ${e.message}`;
    }
  }

  async function change(name, action) {
    if (action === 'pause' && !(await confirmAction(`Pause ${name}?`, 'Its tasks wait until it is resumed; running attempts finish.', `Pause ${name}`))) {
      return;
    }
    try {
      await post(`/queues/${encodeURIComponent(name)}/${action}`);
      notice(`Queue ${name} ${action === 'pause' ? 'paused' : 'resumed'}.`);
      load();
    } catch (e) {
      reportFailure(action === 'pause' ? 'Pause' : 'Resume', e);
    }
  }

  const refresh = throttle(load, 2_000);
  const unsubscribe = feed.subscribe({ task: refresh, resync: refresh });
  const timer = setInterval(load, REFRESH_MS);
  load();
  return {
    unmount() {
      unsubscribe();
      refresh.cancel();
      clearInterval(timer);
    },
  };
}

// Overview: counts by state and queue, throughput and start latency over 15 minutes, oldest waiting task
// per queue.

import { get } from '../api.js';
import { lineChart } from '../chart.js';
import { count, duration, fill, h, STATES, table, throttle } from '../dom.js';

const REFRESH_MS = 10_000;
const MINUTES = 15;

export function mount(main, { feed }) {
  const cards = h('ul', { class: 'cards', 'aria-label': 'Tasks by state' });
  const byQueue = h('div', { id: 'counts-by-queue' });
  const waiting = h('div', { id: 'oldest-waiting' });
  const asOf = h('p', { class: 'muted' });
  const throughputBox = h('div', { class: 'chart' });
  const latencyBox = h('div', { class: 'chart' });
  const throughputText = h('figcaption', {});
  const latencyText = h('figcaption', {});
  const error = h('p', { class: 'error', role: 'alert' });

  main.append(
    h('h1', {}, 'Overview'),
    error,
    h('section', { 'aria-labelledby': 'states-title' }, h('h2', { id: 'states-title' }, 'Tasks by state'), cards, asOf),
    h(
      'div',
      { class: 'charts' },
      h('figure', { id: 'throughput' }, h('h2', {}, `Throughput, last ${MINUTES} minutes`), throughputBox, throughputText),
      h('figure', { id: 'latency' }, h('h2', {}, `Enqueue to start, last ${MINUTES} minutes`), latencyBox, latencyText),
    ),
    h('section', { 'aria-labelledby': 'queues-title' }, h('h2', { id: 'queues-title' }, 'Tasks by queue'), byQueue),
    h('section', { 'aria-labelledby': 'waiting-title' }, h('h2', { id: 'waiting-title' }, 'Oldest waiting task per queue'), waiting),
  );

  const throughput = lineChart(throughputBox, 'tasks/s', ['submitted', 'completed', 'failed']);
  const latency = lineChart(latencyBox, 'ms', ['p50', 'p99']);

  async function loadCounts() {
    try {
      const [stats, queues] = await Promise.all([get('/stats'), get('/queues')]);
      error.textContent = '';
      showCounts(stats);
      showWaiting(queues.queues);
    } catch (e) {
      error.textContent = `Counts could not be read: ${e.message}`;
    }
  }

  function showCounts(stats) {
    const totals = Object.fromEntries(STATES.map((state) => [state, 0]));
    const queues = new Map();
    for (const { state, queue, count: n } of stats.counts) {
      totals[state] = (totals[state] || 0) + n;
      const row = queues.get(queue) || {};
      row[state] = (row[state] || 0) + n;
      queues.set(queue, row);
    }
    fill(
      cards,
      STATES.map((state) =>
        h(
          'li',
          { class: `card state-${state}` },
          h('a', { href: `#/tasks?state=${state}` }, h('span', { class: 'figure', 'data-state': state }, count(totals[state])), h('span', { class: 'label' }, state)),
        ),
      ),
    );
    const since = stats.final_since ? ` since ${new Date(stats.final_since).toLocaleTimeString()}` : '';
    fill(asOf, `As of ${new Date(stats.as_of).toLocaleTimeString()}; completed, cancelled and discarded: those finished${since}.`);
    const names = [...queues.keys()].sort();
    fill(
      byQueue,
      names.length === 0
        ? h('p', { class: 'muted' }, 'No tasks yet.')
        : table(
            null,
            ['queue', ...STATES],
            names.map((name) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, h('a', { href: `#/tasks?queue=${encodeURIComponent(name)}` }, name)),
                STATES.map((state) => h('td', { class: 'number' }, count(queues.get(name)[state]))),
              ),
            ),
          ),
    );
  }

  function showWaiting(queues) {
    fill(
      waiting,
      table(
        null,
        ['queue', 'available', 'oldest waiting for', 'status'],
        queues.map((queue) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, queue.name),
            h('td', { class: 'number' }, count(queue.counts.available)),
            h('td', { class: 'number' }, duration(queue.oldest_waiting_age_ms)),
            h('td', {}, queue.paused ? h('span', { class: 'badge paused' }, 'paused') : 'active'),
          ),
        ),
      ),
    );
  }

  async function loadSeries() {
    try {
      const series = await get(`/stats/series?minutes=${MINUTES}`);
      const step = series.step_s || 1;
      const times = series.points.map((p) => Date.parse(p.at) / 1000);
      const rate = (name) => series.points.map((p) => p[name] / step);
      throughput.update(times, [rate('submitted'), rate('completed'), rate('failed')]);
      latency.update(times, [series.points.map((p) => p.start_latency_p50_ms), series.points.map((p) => p.start_latency_p99_ms)]);
      // The last step whose interval has ended: the current one is still counting.
      const ended = series.points.filter((p) => Date.parse(p.at) + step * 1000 <= Date.now());
      const last = ended[ended.length - 1];
      fill(
        throughputText,
        last
          ? `Last ${step} s: ${(last.submitted / step).toFixed(1)} submitted, ${(last.completed / step).toFixed(1)} completed, ${(last.failed / step).toFixed(1)} failed per second.`
          : 'No data yet.',
      );
      fill(
        latencyText,
        last && last.start_latency_p50_ms !== null
          ? `Last ${step} s: median ${duration(last.start_latency_p50_ms)}, 99th percentile ${duration(last.start_latency_p99_ms)} from enqueue to start.`
          : 'No task started in the last interval.',
      );
    } catch (e) {
      error.textContent = `The charts could not be read: ${e.message}`;
    }
  }

  const refreshCounts = throttle(loadCounts, 2_000);
  const unsubscribe = feed.subscribe({ task: refreshCounts, resync: refreshCounts });
  const timer = setInterval(() => {
    loadCounts();
    loadSeries();
  }, REFRESH_MS);
  loadCounts();
  loadSeries();

  return {
    unmount() {
      unsubscribe();
      refreshCounts.cancel();
      clearInterval(timer);
      throughput.destroy();
      latency.destroy();
    },
  };
}

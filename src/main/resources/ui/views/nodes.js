// Nodes and workers: each live node's role, heartbeat age, worker verticles (with a +/- control) and
// running attempts; remote workers and the kinds they run, when the node has them.

import { api, get, optional } from '../api.js';
import { ago, count, fill, h, notice, reportFailure, table, throttle } from '../dom.js';

const REFRESH_MS = 5_000;
/** While a node has not yet reached the worker verticles asked for: it gets there within moments. */
const SCALING_REFRESH_MS = 500;
const MAX_WORKERS = 1_024;

export function mount(main, { feed }) {
  const error = h('p', { class: 'error', role: 'alert' });
  const nodes = h('div', { id: 'nodes' });
  const workers = h('div', { id: 'remote-workers' });
  const kinds = h('div', { id: 'kinds' });
  main.append(h('h1', {}, 'Nodes and workers'), error, nodes, workers, kinds);

  /** Shows the live nodes; resolves to whether one is still scaling. */
  async function loadNodes() {
    try {
      const answer = await get('/admin/nodes');
      error.textContent = '';
      fill(
        nodes,
        table(
          'Live nodes',
          ['node', 'role', 'started', 'last heartbeat', 'worker verticles', 'running attempts'],
          answer.nodes.map((node) =>
            h(
              'tr',
              { 'data-node': node.id },
              h('th', { scope: 'row' }, node.id),
              h('td', {}, node.role),
              h('td', {}, ago(node.started_at)),
              h('td', {}, ago(node.last_heartbeat)),
              h('td', {}, node.role === 'api' ? h('span', { class: 'muted' }, 'runs no tasks') : scaler(node)),
              h('td', { class: 'number' }, count(node.running_attempts)),
            ),
          ),
        ),
      );
      return answer.nodes.some((node) => node.role !== 'api' && (node.desired_worker_instances ?? node.worker_instances) !== node.worker_instances);
    } catch (e) {
      fill(nodes);
      error.textContent =
        e.status === 403 ? `Nodes need a token with the admin scope: ${e.message}` : `Nodes could not be read: ${e.message}`;
      return false;
    }
  }

  function scaler(node) {
    const desired = node.desired_worker_instances ?? node.worker_instances;
    const set = (instances) => scale(node.id, instances);
    return h(
      'span',
      { class: 'scaler' },
      h('button', { type: 'button', 'aria-label': `One worker verticle fewer on ${node.id}`, disabled: desired <= 0, onclick: () => set(desired - 1) }, '−'),
      h('output', { 'aria-label': `worker verticles on ${node.id}` }, count(node.worker_instances)),
      h('button', { type: 'button', 'aria-label': `One worker verticle more on ${node.id}`, disabled: desired >= MAX_WORKERS, onclick: () => set(desired + 1) }, '+'),
      desired !== node.worker_instances ? h('span', { class: 'muted' }, ` → ${count(desired)}`) : null,
    );
  }

  async function scale(nodeId, instances) {
    try {
      await api('PUT', `/admin/nodes/${encodeURIComponent(nodeId)}/workers`, { instances });
      notice(`${nodeId}: ${instances} worker verticle${instances === 1 ? '' : 's'} asked for.`);
      tick();
    } catch (e) {
      reportFailure('Scaling', e);
    }
  }

  /** Remote workers (GET /workers) and kinds (GET /kinds): nothing is shown when the node has no such routes. */
  async function loadRemote() {
    try {
      const [remote, known] = await Promise.all([optional('/workers'), optional('/kinds')]);
      fill(
        workers,
        remote &&
          table(
            'Remote workers',
            ['worker', 'kinds', 'queues', 'concurrency', 'running', 'connected to', 'last seen'],
            remote.workers.map((w) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, w.name, h('span', { class: 'muted id', title: w.id }, ` ${String(w.id).slice(0, 8)}`)),
                h('td', {}, (w.kinds || []).join(', ')),
                h('td', {}, (w.queues || []).join(', ')),
                h('td', { class: 'number' }, count(w.concurrency)),
                h('td', { class: 'number' }, count(w.running)),
                h('td', {}, w.node || '—'),
                h('td', {}, ago(w.last_seen_at)),
              ),
            ),
          ),
        remote && remote.workers.length === 0 ? h('p', { class: 'muted' }, 'No remote worker is connected.') : null,
      );
      fill(
        kinds,
        known &&
          table(
            'Kinds',
            ['kind', 'runs', 'remote workers'],
            known.kinds.map((k) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, k.kind),
                h('td', {}, k.local ? 'on the nodes' : 'on remote workers'),
                h('td', {}, k.local ? '' : (k.workers || []).map((w) => w.name).join(', ') || h('span', { class: 'muted' }, 'none connected')),
              ),
            ),
          ),
      );
    } catch (e) {
      fill(workers, h('p', { class: 'error' }, `Remote workers could not be read: ${e.message}`));
    }
  }

  let timer = null;
  let mounted = true;
  /** Reads again on a timer: heartbeats are no events. */
  async function tick() {
    clearTimeout(timer);
    const scaling = await loadNodes();
    if (mounted) {
      timer = setTimeout(tick, scaling ? SCALING_REFRESH_MS : REFRESH_MS);
    }
  }

  // Running attempts change with task events.
  const refresh = throttle(loadNodes, 2_000);
  const unsubscribe = feed.subscribe({ task: refresh, resync: refresh });
  tick();
  loadRemote();
  const remoteTimer = setInterval(loadRemote, REFRESH_MS);
  return {
    unmount() {
      mounted = false;
      unsubscribe();
      refresh.cancel();
      clearTimeout(timer);
      clearInterval(remoteTimer);
    },
  };
}

// Tasks: a table filtered by state, kind, queue and creation time, searched by id, unique key or text in
// args, a page at a time; rows follow the live feed; tasks selected together are cancelled or retried in
// one request.

import { get, post, withQuery } from '../api.js';
import {
  ago,
  confirmAction,
  fill,
  h,
  notice,
  progressBar,
  reportFailure,
  shortId,
  stateBadge,
  STATES,
  table,
} from '../dom.js';

const LIMIT = 50;
const FILTERS = ['q', 'state', 'kind', 'queue', 'created_after', 'created_before'];

/** An ISO time as a datetime-local input shows it (local time, to the minute), and back. */
function toLocalInput(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

function fromLocalInput(value) {
  return value ? new Date(value).toISOString() : '';
}

export function mount(main, { params, feed }) {
  const filter = Object.fromEntries(FILTERS.map((name) => [name, params.get(name) || '']));
  const after = params.get('after') || '';

  /** The rows shown, newest first: id -> {task, row}. */
  const shown = new Map();
  const selected = new Set();

  const body = h('tbody', {});
  const status = h('p', { class: 'muted', id: 'tasks-status' });
  const error = h('p', { class: 'error', role: 'alert' });
  const pages = h('nav', { class: 'pages', 'aria-label': 'Pages' });
  const selectAll = h('input', { type: 'checkbox', 'aria-label': 'Select every task on this page', onchange: () => toggleAll(selectAll.checked) });
  const selectedCount = h('span', { id: 'selected-count' }, 'None selected');
  const cancelButton = h('button', { type: 'button', id: 'bulk-cancel', disabled: true, onclick: () => bulk('cancel') }, 'Cancel selected');
  const retryButton = h('button', { type: 'button', id: 'bulk-retry', disabled: true, onclick: () => bulk('retry') }, 'Retry selected');
  const kinds = h('datalist', { id: 'kind-names' });
  const queueNames = h('datalist', { id: 'queue-names' });

  const field = (label, control) => h('label', {}, h('span', {}, label), control);
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter tasks', onsubmit: apply },
    field('Search', h('input', { type: 'search', name: 'q', value: filter.q, placeholder: 'id, unique key or text in args', maxlength: 200 })),
    field(
      'State',
      h('select', { name: 'state' }, h('option', { value: '' }, 'any'), STATES.map((state) => h('option', { value: state, selected: state === filter.state }, state))),
    ),
    field('Kind', h('input', { name: 'kind', value: filter.kind, list: 'kind-names', autocomplete: 'off' })),
    field('Queue', h('input', { name: 'queue', value: filter.queue, list: 'queue-names', autocomplete: 'off' })),
    field('Created after', h('input', { type: 'datetime-local', name: 'created_after', value: toLocalInput(filter.created_after) })),
    field('Created before', h('input', { type: 'datetime-local', name: 'created_before', value: toLocalInput(filter.created_before) })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Apply'), h('a', { href: '#/tasks', class: 'button' }, 'Clear')),
    kinds,
    queueNames,
  );

  main.append(
    h('h1', {}, 'Tasks'),
    form,
    error,
    h('div', { class: 'bulk', role: 'group', 'aria-label': 'Selected tasks' }, selectedCount, cancelButton, retryButton),
    h(
      'div',
      { class: 'table-box' },
      h(
        'table',
        { id: 'tasks-table' },
        h('caption', { class: 'visually-hidden' }, 'Tasks, newest first'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, selectAll),
            ['id', 'kind', 'queue', 'state', 'progress', 'attempt', 'created', 'attempted by'].map((name) => h('th', { scope: 'col', class: `col-${name.replace(' ', '-')}` }, name)),
          ),
        ),
        body,
      ),
    ),
    status,
    pages,
  );

  function apply(event) {
    event.preventDefault();
    const data = new FormData(form);
    const next = Object.fromEntries(FILTERS.map((name) => [name, (data.get(name) || '').trim()]));
    next.created_after = fromLocalInput(next.created_after);
    next.created_before = fromLocalInput(next.created_before);
    const target = `#${withQuery('/tasks', next)}`;
    if (location.hash === target) {
      load();
    } else {
      location.hash = target;
    }
  }

  function row(task) {
    const box = h('input', {
      type: 'checkbox',
      checked: selected.has(task.id),
      'aria-label': `Select task ${task.id}`,
      onchange: () => {
        if (box.checked) selected.add(task.id);
        else selected.delete(task.id);
        showSelection();
      },
    });
    return h(
      'tr',
      { 'data-id': task.id, 'data-state': task.state },
      h('td', {}, box),
      h('td', {}, h('a', { href: `#/tasks/${task.id}` }, shortId(task.id))),
      h('td', {}, task.kind),
      h('td', { class: 'col-queue' }, task.queue),
      h('td', {}, stateBadge(task.state), task.cancel_requested_at && task.state === 'running' ? h('span', { class: 'muted' }, ' cancelling') : null),
      h('td', { class: 'col-progress' }, progressBar(task)),
      h('td', { class: 'number col-attempt' }, `${task.attempt}/${task.max_attempts}`),
      h('td', { class: 'col-created' }, ago(task.created_at)),
      h('td', { class: 'col-attempted-by' }, task.attempted_by || ''),
    );
  }

  function render(tasks) {
    shown.clear();
    for (const task of tasks) {
      shown.set(task.id, { task, row: row(task) });
    }
    fill(body, [...shown.values()].map((entry) => entry.row));
    showSelection();
  }

  function showSelection() {
    for (const id of [...selected]) {
      if (!shown.has(id)) selected.delete(id);
    }
    const n = selected.size;
    selectedCount.textContent = n === 0 ? 'None selected' : `${n} selected`;
    cancelButton.disabled = n === 0;
    retryButton.disabled = n === 0;
    selectAll.checked = n > 0 && n === shown.size;
  }

  function toggleAll(on) {
    for (const id of shown.keys()) {
      if (on) selected.add(id);
      else selected.delete(id);
    }
    for (const box of body.querySelectorAll('input[type=checkbox]')) box.checked = on;
    showSelection();
  }

  async function bulk(action) {
    const ids = [...selected];
    const verb = action === 'cancel' ? 'Cancel' : 'Retry';
    const text =
      action === 'cancel'
        ? 'Waiting tasks are cancelled at once; running ones are asked to stop. Finished tasks stay as they are.'
        : 'Discarded and cancelled tasks run again, now. Other tasks stay as they are.';
    if (!(await confirmAction(`${verb} ${ids.length} task${ids.length === 1 ? '' : 's'}?`, text, `${verb} ${ids.length}`))) {
      return;
    }
    try {
      const answer = await post(`/tasks/${action}`, { ids });
      notice(`${verb}: ${answer.changed} of ${ids.length} changed.`);
      selected.clear();
      load();
    } catch (e) {
      reportFailure(verb, e);
    }
  }

  async function load() {
    try {
      const page = await get(withQuery('/tasks', { ...filter, after, limit: LIMIT }));
      error.textContent = '';
      render(page.tasks);
      const none = page.next ? 'No match among the tasks this page looked at; the next page looks further back.' : 'No task matches.';
      fill(status, page.tasks.length === 0 ? none : `${page.tasks.length} task${page.tasks.length === 1 ? '' : 's'} on this page, newest first.`);
      const link = (label, cursor) => h('a', { class: 'button', href: withQuery('#/tasks', { ...filter, after: cursor }) }, label);
      fill(pages, after ? link('First page', '') : null, page.next ? link('Next page', page.next) : null);
    } catch (e) {
      error.textContent = `Tasks could not be read: ${e.message}`;
    }
  }

  /** Whether a task the feed sent belongs on this page: the first one, without a search. */
  function belongs(task) {
    return (
      !after &&
      !filter.q &&
      (!filter.state || task.state === filter.state) &&
      (!filter.kind || task.kind === filter.kind) &&
      (!filter.queue || task.queue === filter.queue) &&
      (!filter.created_after || task.created_at >= filter.created_after) &&
      (!filter.created_before || task.created_at < filter.created_before)
    );
  }

  function onTask(task) {
    const entry = shown.get(task.id);
    if (entry) {
      // Shown already: it changes in place, even if it no longer matches the filter (no row jumps away).
      const updated = row(task);
      entry.row.replaceWith(updated);
      shown.set(task.id, { task, row: updated });
      return;
    }
    if (!belongs(task)) {
      return;
    }
    // Newest first: task ids are UUIDv7, ordered by creation time as text.
    const older = [...body.rows].find((other) => other.dataset.id < task.id);
    const created = row(task);
    body.insertBefore(created, older || null);
    shown.set(task.id, { task, row: created });
    if (shown.size > LIMIT) {
      const oldest = body.lastElementChild;
      shown.delete(oldest.dataset.id);
      oldest.remove();
    }
    fill(status, `${shown.size} task${shown.size === 1 ? '' : 's'} on this page, newest first.`);
    showSelection();
  }

  async function loadNames() {
    try {
      const [stats, queues] = await Promise.all([get('/stats'), get('/queues')]);
      fill(kinds, [...new Set(stats.counts.map((c) => c.kind))].sort().map((kind) => h('option', { value: kind })));
      fill(queueNames, queues.queues.map((queue) => h('option', { value: queue.name })));
    } catch {
      // Only suggestions: the filters work without them.
    }
  }

  const unsubscribe = feed.subscribe({ task: onTask, resync: load });
  load();
  loadNames();
  return { unmount: unsubscribe };
}

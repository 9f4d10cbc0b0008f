// Task detail: every field, args and result pretty-printed (a download for result files), each attempt's
// error, a live progress bar, and cancel, retry and delete.

import { api, download, get, post } from '../api.js';
import { confirmAction, fill, h, isFinal, notice, progressBar, reportFailure, stateBadge, when } from '../dom.js';
import { followTask } from '../live.js';

const RETRYABLE = ['discarded', 'cancelled'];

function pretty(value) {
  return h('pre', { class: 'json' }, JSON.stringify(value, null, 2));
}

export function mount(main, { id }) {
  const heading = h('h1', {}, 'Task ', h('span', { class: 'id' }, id));
  const error = h('p', { class: 'error', role: 'alert' });
  const summary = h('div', { class: 'summary' });
  const progress = h('div', { class: 'live-progress', id: 'task-progress' });
  const actions = h('div', { class: 'actions' });
  const fields = h('dl', { class: 'fields' });
  const args = h('section', { 'aria-labelledby': 'args-title' });
  const result = h('section', { 'aria-labelledby': 'result-title' });
  const attempts = h('section', { 'aria-labelledby': 'attempts-title' });
  main.append(
    h('p', {}, h('a', { href: '#/tasks' }, '← Tasks')),
    heading,
    error,
    summary,
    progress,
    actions,
    fields,
    attempts,
    args,
    result,
  );

  let task = null;
  let stop = () => {};

  function show(next) {
    task = next;
    error.textContent = '';
    fill(
      summary,
      stateBadge(task.state),
      ' ',
      h('strong', {}, task.kind),
      ` in queue ${task.queue}, attempt ${task.attempt} of ${task.max_attempts}`,
      task.cancel_requested_at && !isFinal(task) ? h('span', { class: 'badge cancelling' }, 'cancel requested') : null,
    );
    fill(progress, h('span', { class: 'label' }, 'Progress'), progressBar(task));
    showActions();
    const rows = [
      ['id', task.id],
      ['priority', task.priority],
      ['timeout', task.timeout],
      ['created', when(task.created_at)],
      ['scheduled for', when(task.scheduled_at)],
      ['last attempt started', when(task.attempted_at)],
      ['last attempt by', task.attempted_by || '—'],
      ['finished', when(task.finalized_at)],
      ['cancel requested', when(task.cancel_requested_at)],
      ['unique key', task.unique_key || '—'],
      ['callback URL', task.callback_url || '—'],
    ];
    fill(fields, rows.map(([name, value]) => [h('dt', {}, name), h('dd', {}, value)]));
    if ('args' in task) {
      fill(args, h('h2', { id: 'args-title' }, 'Args'), pretty(task.args));
    }
    if ('result' in task) {
      const file = task.result && typeof task.result.download === 'string' && task.result.download.startsWith('/tasks/');
      fill(
        result,
        h('h2', { id: 'result-title' }, 'Result'),
        task.result === null ? h('p', { class: 'muted' }, task.state === 'completed' ? 'No result.' : 'Not finished yet.') : pretty(task.result),
        file ? h('button', { type: 'button', onclick: () => download(task.result.download, `${task.id}-result`).catch((e) => reportFailure('Download', e)) }, 'Download the result file') : null,
      );
    }
    if ('errors' in task) {
      fill(
        attempts,
        h('h2', { id: 'attempts-title' }, 'Attempts that failed'),
        task.errors.length === 0
          ? h('p', { class: 'muted' }, 'None.')
          : h(
              'ol',
              { class: 'errors' },
              task.errors.map((e) =>
                h(
                  'li',
                  {},
                  h('strong', {}, `Attempt ${e.attempt}`),
                  ' ',
                  when(e.at),
                  e.node || e.worker ? ` on ${e.node || e.worker}` : null,
                  h('pre', { class: 'message' }, e.message),
                ),
              ),
            ),
      );
    }
  }

  function showActions() {
    fill(
      actions,
      !isFinal(task) ? h('button', { type: 'button', class: 'danger', id: 'task-cancel', disabled: Boolean(task.cancel_requested_at), onclick: cancel }, task.cancel_requested_at ? 'Cancel requested' : 'Cancel') : null,
      RETRYABLE.includes(task.state) ? h('button', { type: 'button', id: 'task-retry', onclick: retry }, 'Retry') : null,
      isFinal(task) ? h('button', { type: 'button', class: 'danger', id: 'task-delete', onclick: remove }, 'Delete') : null,
    );
  }

  async function cancel() {
    const running = task.state === 'running';
    const text = running ? 'The running attempt is asked to stop; the task ends cancelled.' : 'The task will not run.';
    if (!(await confirmAction('Cancel this task?', text, 'Cancel task'))) return;
    try {
      show({ ...task, ...(await post(`/tasks/${id}/cancel`)) });
      notice(running ? 'Cancel requested.' : 'Task cancelled.');
    } catch (e) {
      reportFailure('Cancel', e);
    }
  }

  async function retry() {
    try {
      show({ ...task, ...(await post(`/tasks/${id}/retry`)) });
      notice('Task made available again.');
      follow();
    } catch (e) {
      reportFailure('Retry', e);
    }
  }

  async function remove() {
    if (!(await confirmAction('Delete this task?', 'It is removed for good, with its result and errors.', 'Delete task'))) return;
    try {
      await api('DELETE', `/tasks/${id}`);
      notice('Task deleted.');
      location.hash = '#/tasks';
    } catch (e) {
      reportFailure('Delete', e);
    }
  }

  async function reload() {
    try {
      show(await get(`/tasks/${id}`));
    } catch (e) {
      error.textContent = e.status === 404 ? 'No such task (it may have been deleted, or removed by retention).' : `The task could not be read: ${e.message}`;
    }
  }

  function follow() {
    stop();
    stop = followTask(id, (next) => show({ ...task, ...next }), reload);
  }

  reload().then(() => {
    if (task) follow();
  });
  return { unmount: () => stop() };
}

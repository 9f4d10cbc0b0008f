// Small DOM helpers. Data from the API is only ever written as text, never parsed as markup.

/**
 * An element: h('a', {href: '#/', class: 'x', onclick: fn}, 'text', child, [more]).
 * Attributes that are false, null or undefined are left out; true gives an empty attribute.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === false || value === null || value === undefined) {
      continue;
    }
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      element.className = value;
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (Array.isArray(child)) {
      append(element, child);
    } else if (child !== null && child !== undefined && child !== false) {
      element.append(child instanceof Node ? child : String(child));
    }
  }
}

/** Replaces an element's children. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

export const FINAL_STATES = ['completed', 'cancelled', 'discarded'];
export const STATES = ['available', 'scheduled', 'running', 'retryable', ...FINAL_STATES];

export const isFinal = (task) => FINAL_STATES.includes(task.state);

export function stateBadge(state) {
  return h('span', { class: `badge state-${state}` }, state);
}

/** A progress bar with its figure as text, or a dash when the task reports none. */
export function progressBar(task) {
  if (task.progress === null || task.progress === undefined) {
    return h('span', { class: 'muted' }, '—');
  }
  // A handler's last report may come before its end: a completed task is done.
  const value = task.state === 'completed' ? 1 : task.progress;
  const percent = Math.round(value * 100);
  return h(
    'span',
    { class: 'progress' },
    h('progress', { max: 1, value, 'aria-label': `progress ${percent}%` }),
    h('span', { class: 'figure' }, `${percent}%`),
  );
}

/** "850 ms", "12 s", "4 min", "3 h", "2 d". */
export function duration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) {
    return '—';
  }
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(ms)} ms`;
  if (abs < 60_000) return `${Math.round(ms / 1000)} s`;
  if (abs < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (abs < 86_400_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} d`;
}

/** "12 s ago" from an ISO time, with the exact time in a tooltip and for machines. */
export function ago(iso) {
  if (!iso) {
    return h('span', { class: 'muted' }, '—');
  }
  return h('time', { datetime: iso, title: new Date(iso).toLocaleString() }, `${duration(Date.now() - Date.parse(iso))} ago`);
}

export function when(iso) {
  if (!iso) {
    return h('span', { class: 'muted' }, '—');
  }
  return h('time', { datetime: iso }, new Date(iso).toLocaleString());
}

export function count(n) {
  return (n ?? 0).toLocaleString();
}

/**
 * The last 12 characters of a task id, the whole id in a tooltip: ids are UUIDv7, whose first half is
 * the time, the same for tasks made together; the end is random.
 */
export function shortId(id) {
  return h('span', { class: 'id', title: id }, `…${id.slice(-12)}`);
}

/** A passing message for everyone, screen readers included (the region is a live region). */
export function notice(text, kind = 'info') {
  const region = document.getElementById('notices');
  const item = h('p', { class: `notice ${kind}` }, text);
  region.append(item);
  setTimeout(() => item.remove(), kind === 'error' ? 10_000 : 5_000);
}

/** Tells the user what an API call answered, when it failed. */
export function reportFailure(action, error) {
  notice(`${action} failed: ${error.message}`, 'error');
}

/**
 * Asks before anything destructive; resolves to true when confirmed.
 * @param {string} question  @param {string} text  @param {string} confirmLabel
 */
export function confirmAction(question, text, confirmLabel) {
  const dialog = document.getElementById('confirm-dialog');
  fill(dialog.querySelector('#confirm-title'), question);
  fill(dialog.querySelector('#confirm-text'), text);
  fill(dialog.querySelector('#confirm-ok'), confirmLabel);
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
  });
}

/**
 * Calls fn at most once per interval, the last call of a burst included: many events make one
 * refresh.
 */
export function throttle(fn, interval) {
  let timer = null;
  let last = 0;
  let pending = false;
  const run = () => {
    timer = null;
    pending = false;
    last = Date.now();
    fn();
  };
  const throttled = () => {
    if (pending) {
      return;
    }
    pending = true;
    timer = setTimeout(run, Math.max(0, last + interval - Date.now()));
  };
  throttled.cancel = () => {
    clearTimeout(timer);
    pending = false;
  };
  return throttled;
}

/**
 * A table in a scrolling box. On a phone each row becomes a card, each cell labelled with its column's
 * name (style.css, table.stack), so that no column is out of sight.
 */
export function table(caption, headers, rows, attributes = {}) {
  for (const row of rows) {
    [...row.children].forEach((cell, i) => {
      cell.dataset.label = headers[i] ?? '';
    });
  }
  return h(
    'div',
    { class: 'table-box' },
    h(
      'table',
      { class: 'stack', ...attributes },
      caption ? h('caption', {}, caption) : null,
      h('thead', {}, h('tr', {}, headers.map((header) => h('th', { scope: 'col' }, header)))),
      h('tbody', {}, rows),
    ),
  );
}

// The dashboard's entry point: asks for a token when the node wants one, keeps the live feed open,
// and shows the view the location's hash names (#/, #/tasks?..., #/tasks/{id}, #/queues, #/nodes).

import { get, token, UNAUTHORIZED } from './api.js';
import { fill } from './dom.js';
import { TaskFeed } from './live.js';
import * as overview from './views/overview.js';
import * as tasks from './views/tasks.js';
import * as task from './views/task.js';
import * as queues from './views/queues.js';
import * as nodes from './views/nodes.js';

const main = document.getElementById('main');
const liveStatus = document.getElementById('live');
const forget = document.getElementById('forget-token');

const STATUS_TEXT = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…', offline: 'offline' };

const feed = new TaskFeed((state) => {
  liveStatus.dataset.state = state;
  liveStatus.textContent = STATUS_TEXT[state];
});

/** The view shown now: {unmount()}. */
let current = null;

/** The hash as a route: the view, its parameters, and its query. */
function route() {
  const hash = location.hash.startsWith('#/') ? location.hash.slice(1) : '/';
  const [path, query = ''] = hash.split('?');
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'tasks' && parts.length === 2) return { name: 'tasks', view: task, args: { id: parts[1] } };
  if (parts[0] === 'tasks') return { name: 'tasks', view: tasks, args: { params } };
  if (parts[0] === 'queues') return { name: 'queues', view: queues, args: {} };
  if (parts[0] === 'nodes') return { name: 'nodes', view: nodes, args: {} };
  return { name: 'overview', view: overview, args: {} };
}

function show() {
  if (current) {
    current.unmount();
  }
  const { name, view, args } = route();
  for (const link of document.querySelectorAll('nav a')) {
    if (link.dataset.view === name) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
  fill(main);
  current = view.mount(main, { ...args, feed });
  main.focus({ preventScroll: true });
}

/** Asks for a token until the node accepts one (a read of GET /queues is the test). */
function askForToken(message) {
  const dialog = document.getElementById('token-dialog');
  const input = document.getElementById('token-input');
  const error = document.getElementById('token-error');
  error.textContent = message || '';
  input.value = '';
  if (!dialog.open) {
    dialog.showModal();
  }
  return new Promise((resolve) => {
    const form = document.getElementById('token-form');
    const submitted = async (event) => {
      event.preventDefault();
      token.set(input.value.trim());
      try {
        await get('/queues');
      } catch (e) {
        if (e.status === 401 || e.status === 0) {
          token.clear();
          error.textContent = e.status === 401 ? 'The node does not accept this token.' : e.message;
          return;
        }
        // Known but refused for this route (403), or another failure: the views will say.
      }
      form.removeEventListener('submit', submitted);
      dialog.close();
      resolve();
    };
    form.addEventListener('submit', submitted);
  });
}

let asking = null;

/** The node refused the token (or wants one): ask, then start over with the new one. */
async function onUnauthorized() {
  if (asking) {
    return;
  }
  feed.stop();
  const had = token.get();
  token.clear();
  asking = askForToken(had ? 'The node no longer accepts the token this tab had.' : '');
  await asking;
  asking = null;
  forget.hidden = false;
  feed.start();
  show();
}

async function start() {
  window.addEventListener(UNAUTHORIZED, onUnauthorized);
  window.addEventListener('hashchange', () => {
    if (location.hash.startsWith('#/') || location.hash === '') {
      show();
    }
  });
  forget.addEventListener('click', () => {
    token.clear();
    location.reload();
  });
  // Without a token the page cannot show anything: Escape does not close the question.
  document.getElementById('token-dialog').addEventListener('cancel', (event) => event.preventDefault());
  try {
    await get('/queues');
  } catch (e) {
    if (e.status === 401) {
      return; // onUnauthorized asks, then starts
    }
  }
  forget.hidden = !token.get();
  feed.start();
  show();
}

start();

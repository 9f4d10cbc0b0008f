// Live updates: one EventSource on GET /events for the whole page, shared by the views, and one per
// task detail on GET /tasks/{id}/events.

import { get, streamUrl } from './api.js';
import { FINAL_STATES } from './dom.js';

/** How long to wait before opening a stream again after the node refused it (EventSource gives up then). */
const REOPEN_MS = 5_000;

/**
 * Every task change on every node. Views subscribe with {task(task), resync()}: resync is called after
 * the stream was down, when events may have been missed, so that views read their data again.
 */
export class TaskFeed {
  constructor(onStatus) {
    this.onStatus = onStatus;
    this.listeners = new Set();
    this.source = null;
    this.timer = null;
    this.wasDown = false;
  }

  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start() {
    this.stop();
    const source = new EventSource(streamUrl('/events'));
    this.source = source;
    source.addEventListener('open', () => {
      this.onStatus('live');
      if (this.wasDown) {
        this.wasDown = false;
        this.listeners.forEach((l) => l.resync && l.resync());
      }
    });
    source.addEventListener('task', (event) => {
      const task = JSON.parse(event.data);
      this.listeners.forEach((l) => l.task && l.task(task));
    });
    // The node could not replay all that was missed while away: views read their data again.
    source.addEventListener('reset', () => this.listeners.forEach((l) => l.resync && l.resync()));
    source.addEventListener('error', () => {
      this.wasDown = true;
      if (source.readyState === EventSource.CLOSED) {
        // Refused (401, 404, 503...): EventSource does not retry by itself. A read tells the app why
        // (a 401 asks for a token) and the stream is opened again later.
        this.onStatus('offline');
        get('/queues').catch(() => {});
        this.timer = setTimeout(() => this.start(), REOPEN_MS);
      } else {
        this.onStatus('reconnecting');
      }
    });
  }

  stop() {
    clearTimeout(this.timer);
    if (this.source) {
      this.source.close();
      this.source = null;
    }
  }
}

/**
 * One task's changes, with args, result and errors, until it reaches a final state: then the stream is
 * closed here, or EventSource would open it again when the node ends it.
 * @returns a function that stops following
 */
export function followTask(id, onTask, onRefused) {
  let source = null;
  let timer = null;
  let done = false;
  const open = () => {
    source = new EventSource(streamUrl(`/tasks/${encodeURIComponent(id)}/events`, { fields: 'args,result,errors' }));
    source.addEventListener('task', (event) => {
      const task = JSON.parse(event.data);
      onTask(task);
      if (FINAL_STATES.includes(task.state)) {
        stop();
      }
    });
    source.addEventListener('error', () => {
      if (!done && source.readyState === EventSource.CLOSED) {
        onRefused();
        timer = setTimeout(open, REOPEN_MS);
      }
    });
  };
  const stop = () => {
    done = true;
    clearTimeout(timer);
    if (source) {
      source.close();
    }
  };
  open();
  return stop;
}

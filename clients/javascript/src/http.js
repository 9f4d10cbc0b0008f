/**
 * Requests to a node with the built-in fetch (internal). Node's fetch keeps connections alive and
 * pools them, so a worker's thousands of calls a second reuse a few connections.
 */
import { errorFor } from './errors.js';

/**
 * @typedef {object} Request
 * @property {string} [method]
 * @property {unknown} [body] sent as JSON
 * @property {string} [rawBody] JSON text sent as it is
 * @property {Record<string, string>} [headers]
 * @property {number | null} [timeout] seconds to wait for the whole answer (null: no limit)
 * @property {AbortSignal} [signal] ends the request early
 */

export class Http {
  /**
   * @param {string} url the node's base URL
   * @param {string | null | undefined} token a bearer token, if the node has tokens
   * @param {number} timeout default seconds per request
   */
  constructor(url, token, timeout) {
    const base = new URL(url);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new TypeError(`not an http(s) URL: ${url}`);
    }
    this.base = url.replace(/\/+$/, '');
    this.timeout = timeout;
    /** @type {Record<string, string>} */
    this.headers = { accept: 'application/json' };
    if (token) this.headers.authorization = `Bearer ${token}`;
  }

  /**
   * Sends a request; returns the response, its body unread. Errors of the network reject.
   * @param {string} path
   * @param {Request} [request]
   * @returns {Promise<Response>}
   */
  async send(path, request = {}) {
    const headers = { ...this.headers, ...request.headers };
    let body;
    if (request.rawBody !== undefined) body = request.rawBody;
    else if (request.body !== undefined) body = encode(request.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const seconds = request.timeout === undefined ? this.timeout : request.timeout;
    const signals = [];
    if (seconds !== null) signals.push(AbortSignal.timeout(seconds * 1000));
    if (request.signal) signals.push(request.signal);
    return fetch(this.base + path, {
      method: request.method ?? 'GET',
      headers,
      body,
      signal: signals.length > 1 ? anySignal(signals) : signals[0],
    });
  }

  /**
   * Sends a request and returns its parsed JSON body (null when empty); an answer of 400 or more
   * rejects with the matching OffloadError.
   * @param {string} path
   * @param {Request} [request]
   * @returns {Promise<any>}
   */
  async call(path, request = {}) {
    const response = await this.send(path, request);
    const text = await response.text();
    if (response.status >= 400) throw errorOf(response, text);
    return text ? JSON.parse(text) : null;
  }
}

/**
 * JSON as the node takes it; NaN and infinities are refused here, not silently sent as null.
 * @param {unknown} value
 * @returns {string}
 */
export function encode(value) {
  return JSON.stringify(value, (key, v) => {
    if (typeof v === 'number' && !Number.isFinite(v)) {
      throw new RangeError(`${key || 'value'} is ${v}, which JSON cannot carry`);
    }
    return v;
  });
}

/**
 * The error of a response of 400 or more, from its body's text.
 * @param {Response} response
 * @param {string} text
 */
export function errorOf(response, text) {
  let code = 'http_error';
  let message = text.slice(0, 500);
  try {
    const error = JSON.parse(text).error;
    if (error && typeof error.code === 'string') ({ code, message } = error);
  } catch {
    // not JSON: keep the text
  }
  const retryAfter = Number.parseFloat(response.headers.get('retry-after') ?? '');
  return errorFor(response.status, code, message, Number.isFinite(retryAfter) ? retryAfter : null);
}

/**
 * Seconds of a duration the node shows: "500ms", "20s", "1m", "1h", "7d" or "2".
 * @param {string} text
 */
export function parseDuration(text) {
  const match = /^([0-9.]+)(ms|s|m|h|d)?$/.exec(text);
  if (!match) throw new RangeError(`not a duration: ${text}`);
  const factor = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }[match[2] ?? 's'];
  return Number.parseFloat(match[1]) * factor;
}

/**
 * A signal aborted when any of `signals` is (AbortSignal.any is Node 20+).
 * @param {AbortSignal[]} signals
 */
function anySignal(signals) {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any(signals);
  const controller = new AbortController();
  for (const signal of signals) {
    if (signal.aborted) controller.abort(signal.reason);
    else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  }
  return controller.signal;
}

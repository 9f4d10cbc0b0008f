// Calls to the node's API, with the bearer token the user gave for this tab (sessionStorage only).

const TOKEN_KEY = 'offload.token';

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (value) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** An answer other than 2xx, with the API's error code and message. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Fired on window when the node refuses the token (or asks for one): the app asks the user. */
export const UNAUTHORIZED = 'offload:unauthorized';

function headers(extra = {}) {
  const value = token.get();
  return value ? { ...extra, authorization: `Bearer ${value}` } : extra;
}

/**
 * One JSON call: resolves to the parsed body (null for 204), or rejects with an ApiError.
 * @param {string} method
 * @param {string} path with its query
 * @param {unknown} [body] sent as JSON when given
 */
export async function api(method, path, body) {
  const init = { method, headers: headers({ accept: 'application/json' }) };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'unreachable', `the node did not answer (${e.message})`);
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    const error = (json && json.error) || {};
    const failure = new ApiError(
      response.status,
      error.code || `http_${response.status}`,
      error.message || response.statusText || `HTTP ${response.status}`,
    );
    if (response.status === 401) {
      window.dispatchEvent(new CustomEvent(UNAUTHORIZED, { detail: failure }));
    }
    throw failure;
  }
  return json;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body);

/** A GET of a route that a node may not serve (GET /workers before remote workers exist): null on 404. */
export async function optional(path) {
  try {
    return await get(path);
  } catch (e) {
    if (e.status === 404 || e.status === 405) {
      return null;
    }
    throw e;
  }
}

/** A path with its query; empty and null values are left out, arrays repeat the name. */
export function withQuery(path, params) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const one of Array.isArray(value) ? value : [value]) {
      if (one !== undefined && one !== null && one !== '') {
        query.append(name, String(one));
      }
    }
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * A file from the API saved by the browser: a plain link could not carry the token.
 * @param {string} path e.g. /tasks/{id}/result
 * @param {string} name the file name offered when the answer names none
 */
export async function download(path, name) {
  const response = await fetch(path, { headers: headers() });
  if (!response.ok) {
    throw new ApiError(response.status, `http_${response.status}`, `the file could not be read (HTTP ${response.status})`);
  }
  const disposition = response.headers.get('content-disposition') || '';
  const named = /filename="?([^";]+)"?/i.exec(disposition);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = named ? named[1] : name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * The URL of an event stream. EventSource cannot send headers, so the token goes in the query, which
 * the node accepts on its two event routes only (docs/security.md).
 */
export function streamUrl(path, params = {}) {
  return withQuery(path, { ...params, access_token: token.get() });
}

import { currentViewer, signOut } from './session.js';

/** An error answer of the hub: `{ error: { code, message, fields? } }` with its HTTP status. */
export class ApiError extends Error {
  constructor(status, code, message, fields = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields;
  }

  /** The hub has no such route yet: the capability is not available. */
  get notAvailable() {
    return this.status === 404 && this.code === 'route.not-found';
  }
}

/** Raised (as a window event) when the hub stops accepting the viewer's token. */
export const SESSION_ENDED = 'onestop:session-ended';

/**
 * Calls the hub's API as the signed-in viewer and returns the parsed JSON body. Nothing is
 * cached: every call goes to the hub (`cache: 'no-store'`), which applies the viewer's rights.
 */
export async function api(method, path, body, options = {}) {
  const viewer = currentViewer();
  const headers = { accept: 'application/json' };
  if (viewer && options.auth !== false) headers.authorization = `Bearer ${viewer.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store', credentials: 'omit', signal: options.signal });
  } catch (error) {
    if (error?.name === 'AbortError') throw error;
    throw new ApiError(0, 'network', 'The hub could not be reached. Check your connection and try again.');
  }
  const text = await res.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (res.ok) return parsed;
  const error = parsed?.error ?? {};
  const failure = new ApiError(res.status, error.code ?? `http.${res.status}`, error.message ?? `The hub answered ${res.status}.`, error.fields ?? {});
  if (res.status === 401 && viewer && options.auth !== false) {
    signOut();
    window.dispatchEvent(new CustomEvent(SESSION_ENDED));
  }
  throw failure;
}

export const get = (path, options) => api('GET', path, undefined, options);
export const post = (path, body, options) => api('POST', path, body ?? {}, options);

/** A query string from the non-empty values of an object. */
export function query(params) {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ''));
  const s = q.toString();
  return s ? `?${s}` : '';
}

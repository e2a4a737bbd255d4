import { currentViewer, signOut } from './session.js';
import { SESSION_ENDED } from './api.js';

/**
 * Follows the agency's server-sent events (`GET /v1/feed/stream`). EventSource cannot send an
 * Authorization header, so this reads the stream with fetch and parses the SSE frames itself,
 * reconnecting after the server's `retry` with `Last-Event-ID` until `signal` aborts.
 * `onMessage({ id, event, data })` gets each message; `onState('live' | 'reconnecting' | 'stopped')`.
 */
export async function followFeed({ onMessage, onState, signal }) {
  let lastId;
  let retry = 2000;
  while (!signal.aborted) {
    const viewer = currentViewer();
    if (!viewer) break;
    try {
      const headers = { authorization: `Bearer ${viewer.token}`, accept: 'text/event-stream' };
      if (lastId) headers['last-event-id'] = lastId;
      const res = await fetch('/v1/feed/stream', { headers, cache: 'no-store', credentials: 'omit', signal });
      if (res.status === 401) {
        signOut();
        window.dispatchEvent(new CustomEvent(SESSION_ENDED));
        break;
      }
      if (!res.ok || !res.body) throw new Error(`feed answered ${res.status}`);
      onState('live');
      for await (const frame of frames(res.body, signal)) {
        if (frame.retry) retry = frame.retry;
        if (frame.id) lastId = frame.id;
        if (frame.data !== undefined) onMessage(frame);
      }
    } catch (error) {
      if (signal.aborted || error?.name === 'AbortError') break;
    }
    if (signal.aborted) break;
    onState('reconnecting');
    await new Promise((resolve) => setTimeout(resolve, retry));
  }
  onState('stopped');
}

/** Splits an SSE byte stream into frames `{ id, event, data, retry }`. */
async function* frames(body, signal) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  signal.addEventListener('abort', () => reader.cancel().catch(() => {}), { once: true });
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const frame = parseFrame(block);
      if (frame) yield frame;
    }
  }
}

function parseFrame(block) {
  const frame = { event: 'message' };
  const data = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') data.push(value);
    else if (field === 'id') frame.id = value;
    else if (field === 'event') frame.event = value;
    else if (field === 'retry' && /^\d+$/.test(value)) frame.retry = Number(value);
  }
  if (data.length === 0) return frame.retry ? frame : undefined;
  try {
    frame.data = JSON.parse(data.join('\n'));
  } catch {
    frame.data = data.join('\n');
  }
  return frame;
}

import { request } from 'node:http';
import type { ClientRequest } from 'node:http';

/** One message as it arrived on the feed's server-sent events stream. */
export interface StreamedMessage {
  cursor: string;
  message: { id: string; type: string; data: Record<string, unknown> };
  /** `performance.now()` when its frame was read. */
  at: number;
}

/**
 * Follows an agency's `GET /v1/feed/stream` (server-sent events) from a cursor, as an agency's
 * system would, calling `onMessage` for each message as it arrives.
 */
export function followFeed(url: string, token: string, after: string, onMessage: (m: StreamedMessage) => void): Promise<{ close(): void }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    let req: ClientRequest | undefined = undefined;
    req = request({ hostname, port, method: 'GET', path: '/v1/feed/stream', headers: { authorization: `Bearer ${token}`, 'last-event-id': after, accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`the feed stream answered ${res.statusCode}`));
        res.resume();
        return;
      }
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        const at = performance.now();
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let cursor = '';
          let data = '';
          for (const line of frame.split('\n')) {
            if (line.startsWith('id: ')) cursor = line.slice(4);
            else if (line.startsWith('data: ')) data += line.slice(6);
          }
          if (data) onMessage({ cursor, message: JSON.parse(data) as StreamedMessage['message'], at });
        }
      });
      resolve({ close: () => req?.destroy() });
    });
    req.on('error', (error) => reject(error));
    req.end();
  });
}

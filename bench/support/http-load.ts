import { Agent, request } from 'node:http';

/** One HTTP request of a load run. */
export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  token?: string;
  body?: unknown;
}

/** One response, with when it arrived (`performance.now()` ms). */
export interface Reply {
  status: number;
  body: string;
  /** When the whole reply had arrived (`performance.now()`). */
  at: number;
  /** When its status line and headers had arrived. */
  headersAt?: number;
}

export interface PacedOptions {
  url: string;
  /** Requests per second, sent open-loop on a fixed schedule whatever the replies. */
  rate: number;
  durationMs: number;
  next(index: number): RequestSpec;
  onReply?(index: number, reply: Reply, spec: RequestSpec): void;
  /** Connections the client may open (default 256). */
  maxSockets?: number;
  /**
   * Requests allowed to wait for a reply at once (default: `maxSockets`). When the hub falls that
   * far behind, the requests falling due are shed (not sent, counted as errors) so that a
   * saturated hub cannot build an unbounded backlog that the next phase would pay for.
   */
  maxOutstanding?: number;
  /** How long to wait for the last replies (default 15 s); those still missing count as errors. */
  drainMs?: number;
}

export interface PacedResult {
  sent: number;
  ok: number;
  /** Non-2xx replies, failed or timed-out requests, and shed ones. */
  errors: number;
  /** Requests not sent because `maxOutstanding` were already waiting. */
  shed: number;
  statuses: Record<string, number>;
  /** Latency of each 2xx reply measured from when the request was due (so queueing in the client counts too), ms. */
  latencies: number[];
  /** 2xx replies per second over the time from the first request to the last reply. */
  throughput: number;
}

const agents = new Map<string, Agent>();

/** A keep-alive agent per origin and socket limit. */
function agentFor(url: string, maxSockets: number): Agent {
  const key = `${url}#${maxSockets}`;
  let agent = agents.get(key);
  if (!agent) agents.set(key, (agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets })));
  return agent;
}

/** Sends one request; resolves with the reply (never rejects: a failure is status 0). */
export function send(url: string, spec: RequestSpec, maxSockets = 256, timeoutMs = 30_000): Promise<Reply> {
  const { hostname, port } = new URL(url);
  const body = spec.body === undefined ? undefined : typeof spec.body === 'string' ? spec.body : JSON.stringify(spec.body);
  const headers: Record<string, string | number> = {};
  if (spec.token) headers.authorization = `Bearer ${spec.token}`;
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = Buffer.byteLength(body);
  }
  return new Promise((resolve) => {
    const req = request({ hostname, port, method: spec.method, path: spec.path, headers, agent: agentFor(url, maxSockets), timeout: timeoutMs }, (res) => {
      const headersAt = performance.now();
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), at: performance.now(), headersAt }));
      res.on('error', () => resolve({ status: 0, body: '', at: performance.now() }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error) => resolve({ status: 0, body: error.message, at: performance.now() }));
    req.end(body);
  });
}

/** Sends a request and parses the JSON reply; throws unless the status is 2xx. */
export async function call<T = any>(url: string, spec: RequestSpec): Promise<T> {
  const reply = await send(url, spec);
  if (reply.status < 200 || reply.status >= 300) throw new Error(`${spec.method} ${spec.path} answered ${reply.status}: ${reply.body.slice(0, 300)}`);
  return (reply.body ? JSON.parse(reply.body) : undefined) as T;
}

/**
 * An open-loop load at a fixed rate: request `i` is due at `start + i / rate` and is sent then,
 * whether or not earlier ones were answered, and its latency counts from when it was due. This
 * is what a fixed request rate means; autocannon's rate limit instead sends each connection's
 * quota for a second as fast as it can at the start of that second, in bursts.
 */
export async function pacedLoad(options: PacedOptions): Promise<PacedResult> {
  const total = Math.max(1, Math.round((options.rate * options.durationMs) / 1000));
  const interval = 1000 / options.rate;
  const maxSockets = options.maxSockets ?? 256;
  const maxOutstanding = options.maxOutstanding ?? maxSockets;
  let shed = 0;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let ok = 0;
  let errors = 0;
  let sent = 0;
  let lastReply = 0;
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        const index = sent;
        const due = start + index * interval;
        sent += 1;
        if (inFlight.size >= maxOutstanding) {
          shed += 1;
          continue;
        }
        const spec = options.next(index);
        const p = send(options.url, spec, maxSockets).then((reply) => {
          statuses[reply.status] = (statuses[reply.status] ?? 0) + 1;
          lastReply = Math.max(lastReply, reply.at);
          if (reply.status >= 200 && reply.status < 300) {
            ok += 1;
            latencies.push(reply.at - due);
          } else errors += 1;
          options.onReply?.(index, reply, spec);
        });
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      }
      if (sent >= total) resolve();
      else setTimeout(tick, Math.max(0, Math.min(5, start + sent * interval - performance.now())));
    };
    tick();
  });
  const drained = Promise.all([...inFlight]);
  const timedOut = await Promise.race([drained.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), options.drainMs ?? 15_000).unref())]);
  if (timedOut) errors += inFlight.size;
  const seconds = Math.max(1e-3, ((lastReply || performance.now()) - start) / 1000);
  return { sent, ok, errors: errors + shed, shed, statuses, latencies, throughput: ok / seconds };
}

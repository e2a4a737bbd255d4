import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { BenchResult } from './bench-result';
import { prepareData, publisherCaughtUp, RunningHub, startBenchHub } from './support/bench-hub';
import { CommandKind, commandFor, RESOURCE_ID } from './support/commands';
import { followFeed } from './support/feed-stream';
import { pacedLoad } from './support/http-load';
import { RECEIVER } from './support/partnership';
import { percentile, ratio, round } from './support/stats';

export interface LatencyBenchOptions {
  quick: boolean;
  cpuProfileDir?: string;
  /** The hub's publisher on the API's event loop instead of its own thread (`--publisher-on-loop`). */
  publisherOnLoop?: boolean;
  log?: (line: string) => void;
}

interface Sample {
  due: number;
  acked?: number;
  delivered?: number;
}

/**
 * Command-to-feed latency: commands of the caseworker mix (recorded by `sms`, each also for
 * `housing` under the person's consent or as the referral's receiver) are sent at a fixed rate
 * to a hub in its own process, while `housing`'s system follows its feed over server-sent
 * events. For each command, the time from its 201 reply to its message arriving on the stream.
 * Baseline: the acknowledgement latency of the same commands (from when each was due to its 201).
 * Rates: 1,000/s (the target) and 100/s (an ordinary day, for context).
 */
export async function benchLatency(options: LatencyBenchOptions): Promise<BenchResult[]> {
  const log = options.log ?? (() => undefined);
  const seconds = options.quick ? 1.5 : 10;
  const data = await prepareData({ people: options.quick ? 200 : 1000, eventsPerPerson: 4, prefix: 'onestop-bench-latency-' });
  let running: RunningHub | undefined;
  try {
    running = await startBenchHub(data, { cpuProfileDir: options.cpuProfileDir, publisherOnLoop: options.publisherOnLoop });
    await publisherCaughtUp(data.dataDir, 60_000);
    const byResource = new Map<string, Sample>();
    const early = new Map<string, number>();
    const head = feedHead(data.dataDir);
    const stream = await followFeed(running.hub.url, running.receiverSystem, head, ({ message, at }) => {
      const id = Object.values(RESOURCE_ID)
        .map((field) => message.data?.[field])
        .find((v): v is string => typeof v === 'string');
      if (!id) return;
      const sample = byResource.get(id);
      if (sample) sample.delivered ??= at;
      else if (!early.has(id)) early.set(id, at);
    });
    const results: BenchResult[] = [];
    let counter = 0;
    try {
      const run = async (rate: number, durationMs: number) => {
        const samples: Sample[] = [];
        const kinds: CommandKind[] = [];
        const base = counter;
        const load = await pacedLoad({
          url: running!.hub.url,
          rate,
          durationMs,
          next: (i) => {
            const command = commandFor(base + i, data.people, running!.recorder);
            kinds[i] = command.kind;
            samples[i] = { due: performance.now() };
            return command.spec;
          },
          onReply: (i, reply) => {
            if (reply.status !== 201 && reply.status !== 200) return;
            const sample = samples[i];
            sample.acked = reply.at;
            const id = (JSON.parse(reply.body) as Record<string, string>)[RESOURCE_ID[kinds[i]]];
            byResource.set(id, sample);
            if (early.has(id)) sample.delivered = early.get(id);
          },
        });
        counter += load.sent;
        const acked = samples.filter((s) => s?.acked !== undefined);
        const deadline = Date.now() + 30_000;
        while (acked.some((s) => s.delivered === undefined) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        const delivered = acked.filter((s) => s.delivered !== undefined);
        return {
          feed: delivered.map((s) => Math.max(0, s.delivered! - s.acked!)),
          ack: acked.map((s) => s.acked! - s.due),
          missing: acked.length - delivered.length,
          errors: load.errors,
        };
      };
      log('warm-up');
      await run(100, options.quick ? 500 : 2000);
      await publisherCaughtUp(data.dataDir, 60_000);
      for (const rate of [100, 1000]) {
        log(`${rate}/s for ${seconds} s`);
        const m = await run(rate, seconds * 1000);
        if (m.missing > 0 || m.errors > 0) log(`  ${m.errors} commands failed or shed (hub saturated); ${m.missing} acknowledged commands not on the feed after 30 s`);
        for (const p of [50, 99]) {
          const value = percentile(m.feed, p);
          const base = percentile(m.ack, p);
          results.push({
            name: `command-to-feed latency at ${rate}/s: p${p} (201 reply to message on ${RECEIVER}'s feed stream)`,
            value: round(value),
            unit: 'ms',
            baseline: { name: `HTTP command acknowledgement at ${rate}/s: p${p}`, value: round(base) },
            ratio: ratio(value, base),
          });
        }
        if (m.missing > 0) results.push({ name: `command-to-feed at ${rate}/s: acknowledged commands missing from the feed after 30 s`, value: m.missing, unit: 'messages' });
        await publisherCaughtUp(data.dataDir, 60_000);
      }
    } finally {
      stream.close();
    }
    return results;
  } finally {
    await running?.stop();
    data.remove();
  }
}

/** The receiver's newest feed cursor, read from the hub's file by another connection. */
function feedHead(dataDir: string): string {
  const db = new Database(join(dataDir, 'hub.db'), { readonly: true });
  try {
    return String((db.prepare('SELECT MAX(seq) FROM feed_messages WHERE agency_id = ?').pluck().get(RECEIVER) as number | null) ?? 0);
  } finally {
    db.close();
  }
}

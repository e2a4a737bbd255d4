import autocannon from 'autocannon';
import type { BenchResult } from './bench-result';
import { BenchData, prepareData, publisherCaughtUp, RunningHub, startBenchHub } from './support/bench-hub';
import { commandFor } from './support/commands';
import { pacedLoad, PacedResult } from './support/http-load';
import { median, percentile, ratio, round } from './support/stats';

export interface HttpBenchOptions {
  quick: boolean;
  /** Writes a CPU profile of the hub process here (for `--profile`). */
  cpuProfileDir?: string;
  /** The hub's publisher on the API's event loop instead of its own thread (`--publisher-on-loop`). */
  publisherOnLoop?: boolean;
  log?: (line: string) => void;
}

const CONNECTIONS = 16;

/**
 * HTTP commands against a hub in its own process (`HubRuntime` + `createHttpApp`, the publisher
 * delivering to the feed as in the embedded default) on a fresh data directory with the
 * twelve-agency partnership and people who already have a history. The mix is a caseworker's
 * week: check-ins, assessments, referrals raised and consents, each for an existing person,
 * with real ES256 tokens.
 *
 * - Maximum throughput: autocannon, closed loop, 16 connections; baseline `GET /health` (the
 *   framework's floor: routing, guards, one store read) the same way.
 * - Fixed rates (500, 1,000, 2,000/s): an open-loop schedule, latency counted from when each
 *   request was due; baseline `GET /health` at the same rate.
 * Between phases the publisher is allowed to catch up, so no phase pays for another's backlog.
 */
export async function benchHttp(options: HttpBenchOptions): Promise<BenchResult[]> {
  const log = options.log ?? (() => undefined);
  const seconds = options.quick ? 1 : 5;
  const rounds = options.quick ? 1 : 3;
  const rates = [500, 1000, 2000];
  const data = await prepareData({ people: options.quick ? 300 : 2000, eventsPerPerson: 4, prefix: 'onestop-bench-http-' });
  let running: RunningHub | undefined;
  try {
    running = await startBenchHub(data, { cpuProfileDir: options.cpuProfileDir, publisherOnLoop: options.publisherOnLoop });
    await settle(data, log);
    const { url } = running.hub;
    const recorder = running.recorder;
    let counter = 0;
    const mix = () => ({
      method: 'POST',
      setupRequest: (request: autocannon.Request) => {
        const { spec } = commandFor(counter++, data.people, recorder);
        return { ...request, method: spec.method, path: spec.path, body: JSON.stringify(spec.body), headers: { 'content-type': 'application/json', authorization: `Bearer ${recorder}` } };
      },
    });
    log('warm-up');
    await autocannon({ url, connections: 8, duration: options.quick ? 1 : 2, requests: [mix()] });
    await settle(data, log);

    const results: BenchResult[] = [];
    const commandRates: number[] = [];
    const healthRates: number[] = [];
    const cpuPerCommand: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      log(`max throughput, round ${round + 1}/${rounds}`);
      const health = await autocannon({ url: `${url}/health`, connections: CONNECTIONS, duration: options.quick ? 2 : seconds });
      healthRates.push(health['2xx'] / health.duration);
      const cpuBefore = await running.hub.cpuMicros();
      const commands = await autocannon({ url, connections: CONNECTIONS, duration: options.quick ? 2 : seconds, requests: [mix()] });
      cpuPerCommand.push((await running.hub.cpuMicros()) - cpuBefore);
      cpuPerCommand[cpuPerCommand.length - 1] /= 1000 * Math.max(1, commands['2xx']);
      commandRates.push(commands['2xx'] / commands.duration);
      if (commands.non2xx + commands.errors > 0) log(`  ${commands.non2xx} non-2xx, ${commands.errors} errors`);
      await settle(data, log);
    }
    const best = median(commandRates);
    const floor = median(healthRates);
    results.push({
      name: `HTTP commands: max throughput (mix, ${CONNECTIONS} connections)`,
      value: round(best),
      unit: 'req/s',
      baseline: { name: `GET /health max throughput (${CONNECTIONS} connections)`, value: round(floor) },
      ratio: ratio(best, floor),
    });
    results.push({ name: 'HTTP commands: hub CPU time per command (max-throughput phase, publisher included)', value: round(median(cpuPerCommand)), unit: 'ms' });

    for (const rate of rates) {
      log(`${rate}/s for ${seconds} s`);
      const health = await pacedLoad({ url, rate, durationMs: seconds * 1000, next: () => ({ method: 'GET', path: '/health' }) });
      const commands = await pacedLoad({ url, rate, durationMs: seconds * 1000, next: (i) => commandFor(counter + i, data.people, recorder).spec });
      counter += commands.sent;
      results.push(...rateFigures(rate, commands, health));
      await settle(data, log);
    }
    return results;
  } finally {
    await running?.stop();
    data.remove();
  }
}

/** Waits for the publisher to deliver the backlog a phase left (at most a minute). */
async function settle(data: BenchData, log: (line: string) => void): Promise<void> {
  const left = await publisherCaughtUp(data.dataDir, 60_000);
  if (left > 0) log(`  the publisher still had ${left} events to deliver after 60 s`);
}

function rateFigures(rate: number, commands: PacedResult, health: PacedResult): BenchResult[] {
  const figure = (what: string, unit: string, value: number, base: number): BenchResult => ({
    name: `HTTP commands at ${rate}/s: ${what}`,
    value: round(value),
    unit,
    baseline: { name: `GET /health at ${rate}/s: ${what}`, value: round(base) },
    ...(base > 0 ? { ratio: ratio(value, base) } : {}),
  });
  return [
    figure('p50 latency', 'ms', percentile(commands.latencies, 50), percentile(health.latencies, 50)),
    figure('p99 latency', 'ms', percentile(commands.latencies, 99), percentile(health.latencies, 99)),
    figure('throughput', 'req/s', commands.throughput, health.throughput),
    figure('errors (incl. requests shed while 256 were outstanding)', 'requests', commands.errors, health.errors),
  ];
}

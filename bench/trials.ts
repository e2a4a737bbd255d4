import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { describeMachine } from './machine';
import { prepareData } from './support/bench-hub';
import { commandFor, RESOURCE_ID } from './support/commands';
import { pacedLoad, send } from './support/http-load';
import { MainProcess, startMain, stopMain } from './support/main-process';
import { RECEIVER, RECORDER } from './support/partnership';
import { Acked, FeedReader, lostCommands } from './support/trial-check';

const ROOT = join(__dirname, '..', '..');
/** Commands per second while the hub is killed: about what this hub sustains on a small machine. */
const RATE = 200;
/** The publisher lease of the trial hub: a killed holder's lease lapses this long after its last renewal. */
const LEASE_MS = 3000;

interface RunOutcome {
  run: number;
  killedAfterMs: number;
  acked: number;
  /** Requests sent and not answered when the process died (their outcome is unknown to the client). */
  unanswered: number;
  lost: number;
  feedMissing: number;
  restartSeconds: number;
  feedCompleteSeconds: number;
}

/** A small deterministic generator, so that a run's kill times can be repeated (`--seed`). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

/**
 * Crash trials: the real hub process is killed with SIGKILL while commands arrive at 200/s and
 * its publisher delivers, then restarted on the same data. After each restart, every command
 * the hub had acknowledged (a 2xx reply) must still be in the store, and its message must reach
 * the receiving agency's feed; a message may be delivered twice only under the same id.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string' }, quick: { type: 'boolean', default: false }, seed: { type: 'string' } } });
  const runs = Number(values.runs ?? (values.quick ? 3 : 20));
  const seed = Number(values.seed ?? Date.now() % 100_000);
  const next = random(seed);
  const startedAt = new Date().toISOString();
  console.log(`Crash trials: ${runs} runs of SIGKILL under ${RATE} commands/s, then restart (seed ${seed}).`);
  const data = await prepareData({ people: 50, eventsPerPerson: 4, prefix: 'onestop-trials-' });
  const env = { HUB_PUBLISHER_LEASE_MS: String(LEASE_MS) };
  const recorder = await data.token(RECORDER, ['caseworker']);
  const feed = new FeedReader(await data.token(RECEIVER, ['system']));
  const outcomes: RunOutcome[] = [];
  const allAcked: Acked[] = [];
  let hub: MainProcess = await startMain(data.dataDir, env);
  let counter = 0;
  try {
    await feed.catchUp(hub.url);
    for (let run = 1; run <= runs; run += 1) {
      const killAfter = Math.round(300 + next() * 1700);
      const acked: Acked[] = [];
      const kinds: Array<{ kind: keyof typeof RESOURCE_ID; personId: string }> = [];
      const base = counter;
      const url = hub.url;
      let replied = 0;
      const load = pacedLoad({
        url,
        rate: RATE,
        durationMs: killAfter + 300,
        maxOutstanding: 128,
        drainMs: 5_000,
        next: (i) => {
          const command = commandFor(base + i, data.people, recorder);
          kinds[i] = { kind: command.kind, personId: command.personId };
          return command.spec;
        },
        onReply: (i, reply) => {
          if (reply.status === 0) return;
          replied += 1;
          if (reply.status < 200 || reply.status >= 300) return;
          const body = JSON.parse(reply.body) as Record<string, unknown>;
          const { kind, personId } = kinds[i];
          acked.push({ run, kind, personId, resourceId: String(body[RESOURCE_ID[kind]]), revision: Number(body.revision) });
        },
      });
      await new Promise((r) => setTimeout(r, killAfter));
      hub.child.kill('SIGKILL');
      await hub.exited;
      const result = await load;
      counter += result.sent;
      const restarting = performance.now();
      hub = await startMain(data.dataDir, env);
      const restartSeconds = (performance.now() - restarting) / 1000;
      const { lost, doubled } = await lostCommands(hub.url, recorder, acked);
      if (doubled.length) console.log(`  run ${run}: ${doubled.length} commands recorded twice: ${doubled.slice(0, 3).join(', ')}`);
      const missing = await feed.waitFor(hub.url, acked, 60_000 + LEASE_MS);
      const feedCompleteSeconds = (performance.now() - restarting) / 1000;
      allAcked.push(...acked);
      const outcome = { run, killedAfterMs: killAfter, acked: acked.length, unanswered: result.sent - result.shed - replied, lost: lost.length + doubled.length, feedMissing: missing.length, restartSeconds, feedCompleteSeconds };
      outcomes.push(outcome);
      console.log(
        `run ${String(run).padStart(2)}: killed after ${killAfter} ms; ${acked.length} acknowledged, ${outcome.unanswered} unanswered; ` +
          `lost ${outcome.lost}, feed missing ${missing.length}; restarted in ${restartSeconds.toFixed(1)} s, feed complete after ${feedCompleteSeconds.toFixed(1)} s`,
      );
    }
    const final = new FeedReader(await data.token(RECEIVER, ['system']));
    const finalMissing = await final.waitFor(hub.url, allAcked, 10_000);
    const finalLost = await lostCommands(hub.url, recorder, allAcked);
    const duplicates = final.duplicates();
    await send(hub.url, { method: 'GET', path: '/health' });
    const totals = {
      runs,
      acknowledged: allAcked.length,
      lost: finalLost.lost.length + finalLost.doubled.length,
      feedMissing: finalMissing.length,
      duplicatesSameId: duplicates.sameId,
      duplicatesDifferentId: duplicates.differentIds,
    };
    printTable(outcomes, totals);
    const dir = join(ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const report = JSON.stringify({ startedAt, finishedAt: new Date().toISOString(), seed, rate: RATE, leaseMs: LEASE_MS, machine: describeMachine(), runs: outcomes, totals }, null, 2);
    const file = join(dir, `trials-${startedAt.replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z')}.json`);
    writeFileSync(file, report);
    writeFileSync(join(dir, 'trials-latest.json'), report);
    console.log(`Written ${relative(ROOT, file)}.`);
    if (totals.lost > 0 || totals.feedMissing > 0 || totals.duplicatesDifferentId > 0) process.exitCode = 1;
  } finally {
    await stopMain(hub);
    data.remove();
  }
}

function printTable(outcomes: RunOutcome[], totals: Record<string, number>): void {
  console.log('\n| run | killed after | acknowledged | unanswered (in flight at the kill, or refused while down) | lost | feed missing | restart | feed complete |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const o of outcomes) {
    console.log(`| ${o.run} | ${o.killedAfterMs} ms | ${o.acked} | ${o.unanswered} | ${o.lost} | ${o.feedMissing} | ${o.restartSeconds.toFixed(1)} s | ${o.feedCompleteSeconds.toFixed(1)} s |`);
  }
  console.log(
    `\nAfter ${totals.runs} kills: ${totals.acknowledged} commands acknowledged; lost ${totals.lost} (must be 0); ` +
      `feed messages missing ${totals.feedMissing} (must be 0); duplicates with the same id ${totals.duplicatesSameId} (allowed), ` +
      `with a different id ${totals.duplicatesDifferentId} (must be 0).`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});

import { fork } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import type { BenchResult } from './bench-result';
import { describeMachine } from './machine';
import { RunReport, StepOutcome, toMarkdown, writeReport } from './report';
import { judge } from './targets';
import { summariseProfile } from './tools/profile-summary';

/** The repository root (this file runs as `dist/bench/run.js`). */
const ROOT = join(__dirname, '..', '..');
const RESULTS = join(ROOT, 'bench', 'results');

interface StepDef {
  name: string;
  file: string;
  exported: string;
  /** The benchmark runs a hub in a child process and can profile it (`cpuProfileDir`). */
  profilesHub?: boolean;
  /** Extra options, or why the step cannot run here. */
  prepare?(): Promise<{ options?: Record<string, unknown>; skip?: string }>;
}

const STEPS: StepDef[] = [
  { name: 'event-store', file: 'event-store.bench', exported: 'benchEventStore' },
  { name: 'http', file: 'http.bench', exported: 'benchHttp', profilesHub: true },
  { name: 'fanout', file: 'fanout.bench', exported: 'benchFanout' },
  { name: 'latency', file: 'latency.bench', exported: 'benchLatency', profilesHub: true },
  { name: 'history', file: 'history.bench', exported: 'benchHistory', profilesHub: true },
  { name: 'reprojection', file: 'reprojection.bench', exported: 'benchReprojection' },
  { name: 'memory', file: 'memory.bench', exported: 'benchMemory' },
  { name: 'kafka', file: 'kafka.bench', exported: 'benchKafka', prepare: kafkaBrokers },
  { name: 'kafka-latency', file: 'kafka-latency.bench', exported: 'benchKafkaLatency', prepare: kafkaBrokers },
  { name: 'audit', file: 'audit.bench', exported: 'benchAudit' },
  { name: 'referrals', file: 'referrals.bench', exported: 'benchReferrals' },
];

/** Brokers from `KAFKA_BROKERS`, or a broker answering on 127.0.0.1:9092; otherwise the step is skipped. */
async function kafkaBrokers(): Promise<{ options?: Record<string, unknown>; skip?: string }> {
  const configured = process.env.KAFKA_BROKERS?.split(',').map((b) => b.trim()).filter(Boolean);
  if (configured?.length) return { options: { brokers: configured } };
  const answers = await new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port: 9092 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
  return answers ? { options: { brokers: ['127.0.0.1:9092'] } } : { skip: 'no broker: set KAFKA_BROKERS or run `npm run kafka:up`' };
}

const tty = process.stdout.isTTY === true;
const clock = (seconds: number) => (seconds < 60 ? `${seconds.toFixed(1)} s` : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`);

/** Runs one step in a child process, showing one line with its elapsed time (rewritten in place on a terminal). */
async function runStep(step: StepDef, index: number, count: number, quick: boolean, profileDir: string | undefined, verbose: boolean, extra: Record<string, unknown> = {}): Promise<StepOutcome> {
  const label = `[${index}/${count}] ${step.name.padEnd(12)}`;
  const source = join(ROOT, 'bench', `${step.file}.ts`);
  const built = join(__dirname, `${step.file}.js`);
  const started = performance.now();
  const finish = (outcome: Omit<StepOutcome, 'name' | 'seconds'>): StepOutcome => {
    const seconds = (performance.now() - started) / 1000;
    const status = outcome.status === 'done' ? `✓ ${outcome.results.length} figures` : outcome.status === 'skipped' ? `– not available: ${outcome.reason}` : `✗ failed: ${outcome.reason?.split('\n')[0]}`;
    process.stdout.write(`${tty ? '\r\x1b[2K' : ''}${label} ${clock(seconds).padStart(9)}  ${status}\n`);
    return { name: step.name, seconds, ...outcome };
  };
  if (!existsSync(source)) return finish({ status: 'skipped', results: [], reason: `bench/${step.file}.ts does not exist` });
  if (!existsSync(built)) return finish({ status: 'skipped', results: [], reason: `dist/bench/${step.file}.js is not built` });
  const prepared = (await step.prepare?.()) ?? {};
  if (prepared.skip) return finish({ status: 'skipped', results: [], reason: prepared.skip });
  const stepProfileDir = profileDir ? join(profileDir, step.name) : undefined;
  if (stepProfileDir) mkdirSync(stepProfileDir, { recursive: true });
  const options = { quick, ...prepared.options, ...extra, ...(stepProfileDir && step.profilesHub ? { cpuProfileDir: join(stepProfileDir, 'hub') } : {}) };
  const execArgv = stepProfileDir && !step.profilesHub ? ['--cpu-prof', `--cpu-prof-dir=${stepProfileDir}`] : [];
  const child = fork(join(__dirname, 'run-step.js'), [built, step.exported, JSON.stringify(options)], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let latest = '';
  const ticker = tty ? setInterval(() => process.stdout.write(`\r\x1b[2K${label} ${clock((performance.now() - started) / 1000).padStart(9)}  ${latest}`.slice(0, process.stdout.columns ?? 120)), 1000) : undefined;
  const timeoutMs = (quick ? 10 : 180) * 60_000;
  const outcome = await new Promise<Omit<StepOutcome, 'name' | 'seconds'>>((resolve) => {
    let settled: Omit<StepOutcome, 'name' | 'seconds'> | undefined;
    const timer = setTimeout(() => {
      settled = { status: 'failed', results: [], reason: `no result within ${timeoutMs / 60_000} min` };
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('message', (m: { type: string; line?: string; results?: BenchResult[]; message?: string }) => {
      if (m.type === 'log') {
        latest = m.line ?? '';
        if (verbose) process.stdout.write(`${tty ? '\r\x1b[2K' : ''}    ${clock((performance.now() - started) / 1000)}  ${latest}\n`);
      }
      if (m.type === 'result') settled = { status: 'done', results: m.results ?? [] };
      if (m.type === 'error') settled = { status: 'failed', results: [], reason: m.message };
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(settled ?? { status: 'failed', results: [], reason: `the benchmark process ended (${signal ?? code}) without a result` });
    });
  });
  if (ticker) clearInterval(ticker);
  if (stepProfileDir) outcome.profile = profileLines(stepProfileDir);
  return finish(outcome);
}

/** The top frames of every CPU profile written under `dir`. */
function profileLines(dir: string): string[] {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.cpuprofile'));
  return files.flatMap((file) => {
    const summary = summariseProfile(join(dir, file), 12, ROOT);
    const line = (f: { selfPercent: number; totalPercent: number; frame: string }) => `${f.selfPercent.toFixed(1).padStart(5)}  ${f.totalPercent.toFixed(1).padStart(6)}  ${f.frame}`;
    return [`${relative(ROOT, join(dir, file))} (${summary.samples} samples)`, ' self%  total%  by self time', ...summary.self.map(line), ' self%  total%  hub code by total time', ...summary.app.slice(0, 10).map(line), ''];
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, profile: { type: 'boolean', default: false }, verbose: { type: 'boolean', default: !tty }, 'memory-minutes': { type: 'string' }, 'publisher-on-loop': { type: 'boolean', default: false } },
  });
  const memoryMinutes = values['memory-minutes'] === undefined ? undefined : Number(values['memory-minutes']);
  if (memoryMinutes !== undefined && !(memoryMinutes > 0)) {
    console.error('--memory-minutes: give the minutes the memory step lets the publisher work, e.g. 10');
    process.exit(2);
  }
  const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = only?.filter((name) => !STEPS.some((s) => s.name === name));
  if (unknown?.length) {
    console.error(`--only: unknown benchmark ${unknown.join(', ')}; known: ${STEPS.map((s) => s.name).join(', ')}`);
    process.exit(2);
  }
  const steps = STEPS.filter((s) => !only || only.includes(s.name));
  const quick = values.quick === true;
  const startedAt = new Date().toISOString();
  const machine = describeMachine();
  const profileDir = values.profile ? join(RESULTS, 'profiles', startedAt.replace(/[:.]/g, '-')) : undefined;
  console.log(`Onestop hub benchmarks (${quick ? 'quick' : 'full'}): ${steps.map((s) => s.name).join(', ')}`);
  console.log(`${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}, SQLite ${machine.sqlite}, commit ${machine.commit}, load ${machine.loadAtStart}`);
  if (machine.loadAtStart > machine.cores) console.log(`The load average (${machine.loadAtStart}) is above the core count: other work competes for the CPU, expect noisy figures.`);
  const started = performance.now();
  const outcomes: StepOutcome[] = [];
  const extra = (step: StepDef) => ({
    ...(step.name === 'memory' && memoryMinutes ? { publisherBudgetMs: memoryMinutes * 60_000 } : {}),
    ...(step.profilesHub && values['publisher-on-loop'] ? { publisherOnLoop: true } : {}),
  });
  for (const [i, step] of steps.entries()) outcomes.push(await runStep(step, i + 1, steps.length, quick, profileDir, values.verbose === true, extra(step)));
  const report: RunReport = {
    mode: quick ? 'quick' : 'full',
    publisher: values['publisher-on-loop'] ? 'event loop' : 'thread',
    startedAt,
    finishedAt: new Date().toISOString(),
    seconds: (performance.now() - started) / 1000,
    machine,
    loadAtEnd: Number(loadavg()[0].toFixed(2)),
    steps: outcomes,
  };
  const written = writeReport(RESULTS, report);
  console.log('\n' + toMarkdown(report).split('\n## Steps')[0].split('\n').slice(4).join('\n'));
  const misses = outcomes.flatMap((o) => o.results).filter((r) => judge(r).pass === false).length;
  console.log(`Written ${relative(ROOT, written)} (and latest.md, latest.json); ${misses} target(s) missed; total ${clock(report.seconds)}.`);
  if (outcomes.some((o) => o.status === 'failed')) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});

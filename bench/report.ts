import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResult } from './bench-result';
import type { Machine } from './machine';
import { judge } from './targets';

/** What happened to one step of a run. */
export interface StepOutcome {
  name: string;
  status: 'done' | 'failed' | 'skipped';
  seconds: number;
  results: BenchResult[];
  /** Why it was skipped, or the error it failed with. */
  reason?: string;
  /** Top frames of the CPU profiles taken with `--profile`. */
  profile?: string[];
}

/** A whole run, as written to `bench/results/*.json`. */
export interface RunReport {
  mode: 'quick' | 'full';
  /** Where the hubs of `http`, `latency` and `history` ran their publisher. */
  publisher?: 'thread' | 'event loop';
  startedAt: string;
  finishedAt: string;
  seconds: number;
  machine: Machine;
  loadAtEnd: number;
  steps: StepOutcome[];
}

const fmt = (n: number | undefined): string =>
  n === undefined ? '' : !Number.isFinite(n) ? String(n) : Math.abs(n) >= 1000 ? Math.round(n).toLocaleString('en-GB') : String(n);

const cell = (s: string): string => s.replace(/\|/g, '\\|');

/** The Markdown page of a run: machine, one table of every figure beside its baseline and target, then notes. */
export function toMarkdown(report: RunReport): string {
  const m = report.machine;
  const lines = [
    `# Onestop hub benchmarks — ${report.mode} run, ${report.startedAt.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB; ${m.os}; Node ${m.node}; SQLite ${m.sqlite} (better-sqlite3 ${m.betterSqlite3}); commit ${m.commit}.`,
    `Load average ${m.loadAtStart} at the start and ${report.loadAtEnd} at the end of the ${Math.round(report.seconds)} s run` +
      (Math.max(m.loadAtStart, report.loadAtEnd) > m.cores ? ` — above the ${m.cores} cores: other work competed for the CPU and the figures are noisy.` : '.'),
    `The hubs under test run their publisher ${report.publisher === 'event loop' ? "on the API's event loop (`--publisher-on-loop`)" : 'on a thread of its own, as `npm start` does'}.`,
    '',
    '| benchmark | value | baseline (same run) | ratio | target | |',
    '|---|---:|---|---:|---|---|',
  ];
  for (const step of report.steps) {
    for (const r of step.results) {
      const { target, pass } = judge(r);
      const baseline = r.baseline ? `${fmt(r.baseline.value)} ${r.unit} — ${r.baseline.name}` : '';
      lines.push(`| ${cell(r.name)} | ${fmt(r.value)} ${r.unit} | ${cell(baseline)} | ${r.ratio === undefined ? '' : r.ratio} | ${target ?? ''} | ${pass === undefined ? '' : pass ? 'PASS' : 'MISS'} |`);
    }
  }
  lines.push('', '## Steps', '', '| step | status | time |', '|---|---|---:|');
  for (const s of report.steps) lines.push(`| ${s.name} | ${s.status}${s.reason ? `: ${cell(s.reason.split('\n')[0])}` : ''} | ${s.seconds.toFixed(1)} s |`);
  const profiled = report.steps.filter((s) => s.profile?.length);
  if (profiled.length) {
    lines.push('', '## CPU profiles (top frames by self time)');
    for (const s of profiled) lines.push('', `### ${s.name}`, '', '```', ...s.profile!, '```');
  }
  return lines.join('\n') + '\n';
}

/** Writes `<dir>/bench-<stamp>-<mode>.{json,md}` and `latest.{json,md}`; returns the Markdown path. */
export function writeReport(dir: string, report: RunReport, prefix = 'bench'): string {
  mkdirSync(dir, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z');
  const json = JSON.stringify(
    {
      ...report,
      steps: report.steps.map((s) => ({ ...s, results: s.results.map((r) => ({ ...r, ...judge(r) })) })),
    },
    null,
    2,
  );
  const md = toMarkdown(report);
  const base = join(dir, `${prefix}-${stamp}-${report.mode}`);
  writeFileSync(`${base}.json`, json);
  writeFileSync(`${base}.md`, md);
  writeFileSync(join(dir, 'latest.json'), json);
  writeFileSync(join(dir, 'latest.md'), md);
  return `${base}.md`;
}

import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

/** One frame's share of the samples: where the CPU was (self) and under it (total). */
export interface FrameShare {
  frame: string;
  selfPercent: number;
  totalPercent: number;
}

const frameName = (node: ProfileNode, root: string): string => {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url ? relative(root, url.replace(/^file:\/\//, '')) : '';
  return `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`;
};

/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): the frames with the most self time and
 * the most total (inclusive) time, as shares of all samples, idle excluded.
 */
export function summariseProfile(file: string, top = 15, root = process.cwd()): { self: FrameShare[]; total: FrameShare[]; app: FrameShare[]; samples: number } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  profile.nodes.forEach((n) => n.children?.forEach((c) => parent.set(c, n.id)));
  const hits = new Map<number, number>();
  if (profile.samples) profile.samples.forEach((id) => hits.set(id, (hits.get(id) ?? 0) + 1));
  else profile.nodes.forEach((n) => hits.set(n.id, n.hitCount ?? 0));
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  let samples = 0;
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  for (const [id, count] of hits) {
    if (idle.has(id) || count === 0) continue;
    samples += count;
    const node = byId.get(id)!;
    const name = frameName(node, root);
    self.set(name, (self.get(name) ?? 0) + count);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = frameName(byId.get(at)!, root);
      if (seen.has(n)) continue;
      seen.add(n);
      total.set(n, (total.get(n) ?? 0) + count);
    }
  }
  const rank = (m: Map<string, number>, key: 'self' | 'total') =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([frame]) => ({ frame, selfPercent: pct(self.get(frame) ?? 0, samples), totalPercent: pct(total.get(frame) ?? 0, samples), key }));
  const app = new Map([...total.entries()].filter(([frame]) => / dist\/(libs|apps)\//.test(frame)));
  return {
    self: rank(self, 'self').map(strip),
    total: rank(total, 'total').filter((f) => !/^\(root\)|^\(program\)/.test(f.frame)).map(strip),
    app: rank(app, 'total').map(strip),
    samples,
  };
}

const pct = (n: number, of: number): number => Math.round((1000 * n) / Math.max(1, of)) / 10;
const strip = ({ frame, selfPercent, totalPercent }: FrameShare & { key: string }): FrameShare => ({ frame, selfPercent, totalPercent });

/** `node dist/bench/tools/profile-summary.js <file.cpuprofile> [top]`: prints the top frames. */
if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node dist/bench/tools/profile-summary.js <file.cpuprofile> [top]');
    process.exit(2);
  }
  const summary = summariseProfile(file, Number(top ?? 20));
  console.log(`${summary.samples} samples (idle excluded)\n\nself%  total%  frame (by self time)`);
  summary.self.forEach((f) => console.log(`${f.selfPercent.toFixed(1).padStart(5)}  ${f.totalPercent.toFixed(1).padStart(6)}  ${f.frame}`));
  console.log('\nself%  total%  hub code (by total time)');
  summary.app.forEach((f) => console.log(`${f.selfPercent.toFixed(1).padStart(5)}  ${f.totalPercent.toFixed(1).padStart(6)}  ${f.frame}`));
  console.log('\nself%  total%  frame (by total time)');
  summary.total.forEach((f) => console.log(`${f.selfPercent.toFixed(1).padStart(5)}  ${f.totalPercent.toFixed(1).padStart(6)}  ${f.frame}`));
}

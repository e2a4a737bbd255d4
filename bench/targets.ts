import type { BenchResult } from './bench-result';

/** A target from the benchmark issue, checked against one figure (never asserted in tests). */
export interface Target {
  /** Which figure it applies to. */
  match: RegExp;
  /** As printed beside the figure. */
  text: string;
  met(result: BenchResult): boolean;
}

export const TARGETS: Target[] = [
  { match: /^HTTP commands: max throughput/, text: '≥ 2,000 req/s', met: (r) => r.value >= 2000 },
  { match: /^HTTP commands at 1000\/s: p99 latency/, text: '≤ 50 ms', met: (r) => r.value <= 50 },
  { match: /^fan-out: source events/, text: '≥ 0.5 × raw inserts', met: (r) => (r.ratio ?? 0) >= 0.5 },
  { match: /^command-to-feed latency at 1000\/s: p99/, text: '≤ 100 ms', met: (r) => r.value <= 100 },
  // Held to both clients: the load generator's Node client, and curl, which takes the body as fast as it comes.
  { match: /^GET \/v1\/people\/\{id\}\/history.*: p99(, whole reply received by curl.*)?$/, text: '≤ 20 ms', met: (r) => r.value <= 20 },
  { match: /^re-projection of/, text: '≥ 50,000 events/s', met: (r) => r.value >= 50_000 },
  { match: /^Kafka delivery: \d+-message batches/, text: '≥ 0.5 × raw producer', met: (r) => (r.ratio ?? 0) >= 0.5 },
  { match: /^peak resident memory/, text: '≤ 500 MB (at 1,000,000 events)', met: (r) => r.value <= 500 },
];

/** The target a figure is held to, and whether it meets it. */
export function judge(result: BenchResult): { target?: string; pass?: boolean } {
  const target = TARGETS.find((t) => t.match.test(result.name));
  return target ? { target: target.text, pass: target.met(result) } : {};
}

/**
 * A small Prometheus registry writing the text exposition format (version 0.0.4): counters,
 * gauges and histograms with labels, filled by collectors at scrape time. Enough for the hub's
 * own measures without a dependency.
 */

/** Label names to values. Values are escaped on output; names must match `[a-zA-Z_][a-zA-Z0-9_]*`. */
export type Labels = Readonly<Record<string, string>>;

/** One metric family, ready to render. */
export interface Metric {
  readonly name: string;
  render(): string[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

const escape = (value: string): string => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

function labelText(labels: Labels, extra?: [string, string]): string {
  const pairs = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1));
  if (extra) pairs.push(extra);
  return pairs.length === 0 ? '' : `{${pairs.map(([k, v]) => `${k}="${escape(v)}"`).join(',')}}`;
}

const number = (n: number): string => (Number.isFinite(n) ? String(n) : n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN');

abstract class Family implements Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly type: 'counter' | 'gauge' | 'histogram',
  ) {
    if (!NAME.test(name)) throw new Error(`invalid metric name ${name}`);
  }

  protected header(): string[] {
    return [`# HELP ${this.name} ${this.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${this.name} ${this.type}`];
  }

  abstract render(): string[];
}

/** A value per label set that only goes up (its name should end in `_total`). */
export class Counter extends Family {
  private readonly values = new Map<string, { labels: Labels; value: number }>();

  constructor(name: string, help: string) {
    super(name, help, 'counter');
  }

  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    const entry = this.values.get(key) ?? { labels, value: 0 };
    entry.value += by;
    this.values.set(key, entry);
  }

  render(): string[] {
    return [...this.header(), ...[...this.values.values()].map((v) => `${this.name}${labelText(v.labels)} ${number(v.value)}`)];
  }
}

/** A value per label set that may go up or down. */
export class Gauge extends Family {
  private readonly values = new Map<string, { labels: Labels; value: number }>();

  constructor(name: string, help: string) {
    super(name, help, 'gauge');
  }

  set(labels: Labels, value: number): void {
    this.values.set(labelText(labels), { labels, value });
  }

  render(): string[] {
    return [...this.header(), ...[...this.values.values()].map((v) => `${this.name}${labelText(v.labels)} ${number(v.value)}`)];
  }
}

/** Observations counted into cumulative buckets (`le`), with their sum and count, per label set. */
export class Histogram extends Family {
  private readonly series = new Map<string, { labels: Labels; buckets: number[]; sum: number; count: number }>();
  private readonly bounds: number[];

  constructor(name: string, help: string, bounds: readonly number[]) {
    super(name, help, 'histogram');
    this.bounds = [...bounds].sort((a, b) => a - b);
  }

  observe(labels: Labels, value: number): void {
    const key = labelText(labels);
    const s = this.series.get(key) ?? { labels, buckets: this.bounds.map(() => 0), sum: 0, count: 0 };
    this.bounds.forEach((bound, i) => {
      if (value <= bound) s.buckets[i] += 1;
    });
    s.sum += value;
    s.count += 1;
    this.series.set(key, s);
  }

  render(): string[] {
    const lines = this.header();
    for (const s of this.series.values()) {
      this.bounds.forEach((bound, i) => lines.push(`${this.name}_bucket${labelText(s.labels, ['le', number(bound)])} ${s.buckets[i]}`));
      lines.push(`${this.name}_bucket${labelText(s.labels, ['le', '+Inf'])} ${s.count}`);
      lines.push(`${this.name}_sum${labelText(s.labels)} ${number(s.sum)}`);
      lines.push(`${this.name}_count${labelText(s.labels)} ${s.count}`);
    }
    return lines;
  }
}

/** Something that produces metric families when scraped. */
export type Collector = () => Metric[] | Promise<Metric[]>;

/** Collects every registered collector's families and renders them in the text format. */
export class MetricsRegistry {
  private readonly collectors: Collector[] = [];

  register(collector: Collector): this {
    this.collectors.push(collector);
    return this;
  }

  async render(): Promise<string> {
    const families = (await Promise.all(this.collectors.map((c) => c()))).flat();
    return families.map((f) => f.render().join('\n')).join('\n') + '\n';
  }
}

/** The content type of the text exposition format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

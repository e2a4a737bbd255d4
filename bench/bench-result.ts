/**
 * One measured figure of a benchmark. When the figure is compared with a baseline measured in the
 * same run, `ratio` is `value / baseline.value` (above 1 means faster than the baseline for a
 * throughput).
 */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  ratio?: number;
}

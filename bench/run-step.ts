import type { BenchResult } from './bench-result';

/**
 * Runs one benchmark in its own process (forked by `run.ts`), so that each starts with a clean
 * heap and a crash or leak in one cannot spoil the others. argv: <module file> <export> <options JSON>.
 * Reports `{ type: 'log' | 'result' | 'error' }` messages over IPC.
 */
async function main(): Promise<void> {
  const [file, exported, json] = process.argv.slice(2);
  const options = JSON.parse(json) as Record<string, unknown>;
  const log = (line: string) => process.send?.({ type: 'log', line });
  const bench = ((await import(file)) as Record<string, (o: unknown) => Promise<BenchResult[]>>)[exported];
  if (typeof bench !== 'function') throw new Error(`${file} does not export ${exported}()`);
  const results = await bench({ ...options, log });
  await new Promise<void>((resolve) => process.send!({ type: 'result', results }, () => resolve()));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.send?.({ type: 'error', message }, () => process.exit(1));
  },
);

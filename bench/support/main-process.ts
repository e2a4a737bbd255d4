import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The real hub (`dist/apps/hub/src/main.js`) running as its own process. */
export interface MainProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  /** Resolves with the exit code or signal once the process has ended. */
  exited: Promise<string>;
  /** What the process printed (stdout and stderr), for diagnosing a failure. */
  output(): string;
}

/** The compiled hub entry point, relative to this file in `dist/bench/support`. */
export const MAIN_JS = join(__dirname, '..', '..', 'apps', 'hub', 'src', 'main.js');

/**
 * Starts the hub as `npm start` would, on `dataDir` without the demo (`HUB_DEMO=false`), on a
 * port of its choosing, with the per-caller rate limit off unless HUB_RATE_LIMIT is set (one
 * load generator is one caller); resolves once it prints the address it listens on.
 */
export function startMain(dataDir: string, env: Record<string, string> = {}, timeoutMs = 120_000, nodeArgs: string[] = []): Promise<MainProcess> {
  const child = spawn(process.execPath, [...nodeArgs, MAIN_JS], {
    env: { HUB_RATE_LIMIT: '0', ...process.env, HUB_DATA_DIR: dataDir, HUB_DEMO: 'false', PORT: '0', HUB_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? String(code))));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the hub did not start within ${timeoutMs} ms:\n${output.slice(-2000)}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1], pid: child.pid!, child, exited, output: () => output });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`the hub exited (${how}) before listening:\n${output.slice(-2000)}`));
    });
  });
}

/** Asks the hub to stop (SIGTERM), killing it if it has not within `graceMs`. */
export async function stopMain(hub: MainProcess, graceMs = 30_000): Promise<void> {
  if (hub.child.exitCode !== null || hub.child.signalCode !== null) return;
  hub.child.kill('SIGTERM');
  const timer = setTimeout(() => hub.child.kill('SIGKILL'), graceMs);
  await hub.exited;
  clearTimeout(timer);
}

/** A process's resident set now and at its peak (MB), from `/proc/<pid>/status` (Linux). */
export function residentMb(pid: number): { rss: number; peak: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** Samples a process's resident set every `intervalMs`; `stop()` returns the highest seen (MB). */
export function sampleResident(pid: number, intervalMs = 100): { stop(): number; last(): number } {
  let peak = 0;
  let last = 0;
  const take = () => {
    const now = residentMb(pid);
    if (!now) return;
    last = now.rss;
    peak = Math.max(peak, now.rss, Number.isFinite(now.peak) ? now.peak : 0);
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop: () => {
      take();
      clearInterval(timer);
      return peak;
    },
    last: () => last,
  };
}

import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';

/** A benchmark hub running in a child process. */
export interface HubProcess {
  url: string;
  pid: number;
  /** CPU time the hub process used so far (microseconds, user + system). */
  cpuMicros(): Promise<number>;
  stop(): Promise<void>;
}

export interface HubProcessOptions {
  publisher?: boolean;
  /** Runs the publisher on the API's event loop instead of its own thread (HUB_PUBLISHER_THREAD=false). */
  publisherOnLoop?: boolean;
  /** Writes a V8 CPU profile of the hub into this directory when it stops. */
  cpuProfileDir?: string;
}

function once<T>(child: ChildProcess, type: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`the bench hub did not answer '${type}' within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: { type?: string }) => message?.type === type && done(undefined, message as T);
    const onExit = (code: number | null) => done(new Error(`the bench hub exited (code ${code}) before '${type}'`));
    const done = (error?: Error, value?: T) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(value as T);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Starts `bench/support/hub-process.js` on a prepared data directory and waits until it listens. */
export async function startHubProcess(dataDir: string, options: HubProcessOptions = {}): Promise<HubProcess> {
  const execArgv = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  const args = [dataDir, ...(options.publisher === false ? ['--no-publisher'] : options.publisherOnLoop ? ['--publisher-on-loop'] : [])];
  const child = fork(join(__dirname, 'hub-process.js'), args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { port } = await once<{ port: number }>(child, 'ready', 60_000);
  let stopped = false;
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    async cpuMicros() {
      const reply = once<{ usage: NodeJS.CpuUsage }>(child, 'cpu', 5_000);
      child.send({ type: 'cpu' });
      const { usage } = await reply;
      return usage.user + usage.system;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

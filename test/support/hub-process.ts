import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const LOADER = join(ROOT, 'libs/event-store/testing/child-process/register-typescript.js');

/** A hub (or publisher) running as a real OS process from the TypeScript sources. */
export class HubProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    private output: string,
  ) {
    child.stdout?.on('data', (d) => (this.output += String(d)));
    child.stderr?.on('data', (d) => (this.output += String(d)));
  }

  /** Starts `apps/<app>/src/main.ts` with the environment given; resolves once it is ready. */
  static start(app: 'hub' | 'publisher', env: Record<string, string>, timeoutMs = 30_000): Promise<HubProcess> {
    const child = spawn(process.execPath, ['-r', LOADER, join(ROOT, `apps/${app}/src/main.ts`)], {
      cwd: ROOT,
      env: { ...process.env, HUB_DEMO: 'false', PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const ready = app === 'hub' ? /listening on (http:\/\/[^\s]+)/ : /publisher started/;
    return new Promise((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${app} did not start: ${seen}`));
      }, timeoutMs);
      const onData = (d: Buffer) => {
        seen += String(d);
        const m = ready.exec(seen);
        if (!m) return;
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        const proc = new HubProcess(child, m[1] ?? '', seen);
        resolve(proc);
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (d) => (seen += String(d)));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${app} exited with ${code}: ${seen}`));
      });
    });
  }

  get log(): string {
    return this.output;
  }

  /** Kills the process (SIGKILL by default) and waits for it to exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill(signal);
    await exited;
  }
}

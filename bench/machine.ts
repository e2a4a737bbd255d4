import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import Database from 'better-sqlite3';

/** The machine and software a run measured, so that figures are compared like with like. */
export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  sqlite: string;
  betterSqlite3: string;
  commit: string;
  /** The 1-minute load average when the run started: above the core count, other work competed. */
  loadAtStart: number;
}

const git = (...args: string[]): string => {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
};

export function describeMachine(): Machine {
  const db = new Database(':memory:');
  const sqlite = db.prepare('SELECT sqlite_version()').pluck().get() as string;
  db.close();
  const osRelease = existsSync('/etc/os-release') ? /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] : undefined;
  const commit = git('rev-parse', '--short=12', 'HEAD');
  const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    os: `${osRelease ?? type()} (${type()} ${release()})`,
    node: process.version,
    sqlite,
    betterSqlite3: (JSON.parse(readFileSync(require.resolve('better-sqlite3/package.json'), 'utf8')) as { version: string }).version,
    commit: commit ? `${commit}${dirty ? ' + uncommitted changes' : ''}` : 'unknown',
    loadAtStart: Number(loadavg()[0].toFixed(2)),
  };
}

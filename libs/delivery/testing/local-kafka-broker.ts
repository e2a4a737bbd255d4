import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..');
const SCRIPT = join(ROOT, 'docker', 'kafka', 'kafka.sh');
const SHARED_LIBS = join(ROOT, '.cache', 'kafka', 'libs');

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * A private single-node broker for fault tests (`docker/kafka/kafka.sh` with its own home
 * directory and ports), so killing it never disturbs the broker other test files share.
 */
export class LocalKafkaBroker {
  private constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly home: string,
    readonly brokers: string[],
  ) {}

  /** Why a private broker cannot run here, or undefined when it can (needs java, and the jars or mvn). */
  static unavailableReason(): string | undefined {
    if (!onPath('java')) return 'java is not on PATH';
    if (!existsSync(SHARED_LIBS) && !onPath('mvn')) return 'the Kafka jars are not in .cache/kafka/libs and mvn is not on PATH';
    return undefined;
  }

  static async start(): Promise<LocalKafkaBroker> {
    const home = mkdtempSync(join(tmpdir(), 'onestop-kafka-'));
    if (existsSync(SHARED_LIBS)) symlinkSync(SHARED_LIBS, join(home, 'libs'), 'dir');
    const [port, controllerPort] = [await freePort(), await freePort()];
    const env = {
      ...process.env,
      KAFKA_HOME_DIR: home,
      KAFKA_PORT: String(port),
      KAFKA_CONTROLLER_PORT: String(controllerPort),
      KAFKA_HEAP_OPTS: '-Xmx384m -Xms128m',
    };
    const broker = new LocalKafkaBroker(env, home, [`127.0.0.1:${port}`]);
    await broker.run('up');
    return broker;
  }

  /** SIGKILL, as a crash would; the storage stays for `restart`. */
  async kill(): Promise<void> {
    await this.run('kill');
  }

  /** Starts again on the storage of the killed broker. */
  async restart(): Promise<void> {
    await this.run('start');
  }

  /** Stops the broker and deletes its storage. */
  async destroy(): Promise<void> {
    try {
      await this.run('down');
    } finally {
      rmSync(this.home, { recursive: true, force: true });
    }
  }

  private run(command: 'up' | 'start' | 'kill' | 'down'): Promise<void> {
    return new Promise((done, fail) => {
      execFile('bash', [SCRIPT, command], { cwd: ROOT, env: this.env }, (error, stdout, stderr) => {
        if (error) fail(new Error(`kafka.sh ${command} failed: ${error.message}\n${stdout}${stderr}`));
        else done();
      });
    });
  }
}

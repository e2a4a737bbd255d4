import 'reflect-metadata';
import { fork } from 'node:child_process';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { loadConfig } from '@onestop/config';
import { KafkaDelivery, parseKafkaConfig } from '@onestop/delivery';
import { createHttpApp } from '../../apps/hub/src/bootstrap';
import { openRuntime } from './seed';

/**
 * A benchmark hub whose in-process publisher delivers to Kafka only (every agency on its
 * topics), woken by each append as in the embedded hub: the API and the publisher in one
 * process. Brokers and topic prefix from `KAFKA_BROKERS` and `KAFKA_TOPIC_PREFIX`. Same IPC as
 * `hub-process.ts`: `ready` with the port, and a clean stop on a `stop` message.
 *
 * argv: <dataDir>
 */
async function main(): Promise<void> {
  const [dataDir] = process.argv.slice(2);
  const runtime = await openRuntime(dataDir);
  await runtime.directory.catchUp();
  const agencies = runtime.directory.allAgencies().map((a) => a.agencyId);
  const kafka = await KafkaDelivery.start({ ...parseKafkaConfig(process.env), clientId: 'onestop-bench-hub', agencies, logLevel: 'error' });
  runtime.startPublisher({ feed: false, kafka, onError: (e) => console.error(`publisher: ${e.message}`) });
  const app = await createHttpApp({ runtime, config: loadConfig({ HUB_DATA_DIR: dataDir, PORT: '0', HUB_RATE_LIMIT: process.env.HUB_RATE_LIMIT ?? '0' }), logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  process.on('message', (message: { type?: string }) => {
    if (message?.type !== 'stop') return;
    void (async () => {
      await app.close();
      await runtime.close();
      await kafka.close();
      process.send?.({ type: 'stopped' }, () => process.exit(0));
    })();
  });
  process.send?.({ type: 'ready', port });
}

/** Starts this file's compiled form on a prepared data directory; resolves with the URL once it listens. */
export function startKafkaHubProcess(dataDir: string, env: Record<string, string>): Promise<{ url: string; stop(): Promise<void> }> {
  const child = fork(join(__dirname, 'kafka-hub-process.js'), [dataDir], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the Kafka bench hub did not start within 60 s'));
    }, 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the Kafka bench hub exited (code ${code}) before it was ready`));
    });
    child.on('message', (message: { type?: string; port?: number }) => {
      if (message?.type !== 'ready') return;
      clearTimeout(timer);
      resolve({
        url: `http://127.0.0.1:${message.port}`,
        stop: async () => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise((done) => child.once('exit', done));
          child.send({ type: 'stop' });
          const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
          await exited;
          clearTimeout(kill);
        },
      });
    });
  });
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`Kafka bench hub could not start: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  });
}

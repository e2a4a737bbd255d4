import 'reflect-metadata';
import { AddressInfo } from 'node:net';
import { loadConfig } from '@onestop/config';
import { createHttpApp } from '../../apps/hub/src/bootstrap';
import { openRuntime } from './seed';

/**
 * A benchmark hub in its own process, assembled as the end-to-end harness assembles it
 * (`HubRuntime` + `createHttpApp`, the publisher delivering to the HTTP feed from its own thread) so that the load
 * generator does not share its event loop. Started by `startHubProcess`; reports its port over
 * IPC and stops cleanly on a `stop` message (so that `--cpu-prof` profiles are written).
 *
 * Rate limiting is off (a benchmark is a few callers at full speed) unless HUB_RATE_LIMIT is set.
 *
 * argv: <dataDir> [--no-publisher | --publisher-on-loop]
 */
async function main(): Promise<void> {
  const [dataDir, ...flags] = process.argv.slice(2);
  const runtime = await openRuntime(dataDir);
  const onError = (e: Error) => console.error(`publisher: ${e.message}`);
  // As `npm start` runs it: the publisher on a thread of its own (HUB_PUBLISHER_THREAD), unless
  // `--publisher-on-loop` asks for it on the API's event loop.
  if (flags.includes('--publisher-on-loop')) runtime.startPublisher({ feed: true, onError });
  else if (!flags.includes('--no-publisher')) await runtime.startPublisherThread({ feed: true, kafka: false, lease: { name: 'publisher', durationMs: 15_000 } }, onError);
  const app = await createHttpApp({ runtime, config: loadConfig({ HUB_DATA_DIR: dataDir, PORT: '0', HUB_RATE_LIMIT: process.env.HUB_RATE_LIMIT ?? '0' }), logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'cpu') process.send?.({ type: 'cpu', usage: process.cpuUsage(), rss: process.memoryUsage().rss });
    if (message?.type !== 'stop') return;
    void (async () => {
      await app.close();
      await runtime.close();
      process.send?.({ type: 'stopped' }, () => process.exit(0));
    })();
  });
  process.send?.({ type: 'ready', port });
}

main().catch((error: unknown) => {
  console.error(`bench hub could not start: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});

import { parentPort, workerData } from 'node:worker_threads';
import { HubRuntime } from './hub-runtime';
import { openKafkaDelivery } from './kafka-setup';
import { PublisherLease } from '../publisher/publisher-lease';
import type { FromPublisherThread, PublisherThreadSetup, ToPublisherThread } from './publisher-thread';

/**
 * The publisher thread's entry (see `PublisherThread`): opens a runtime on the hub's data
 * directory, runs the publisher there and answers the API thread's messages.
 */
async function run(setup: PublisherThreadSetup): Promise<void> {
  const port = parentPort!;
  const post = (message: FromPublisherThread) => port.postMessage(message);
  const runtime = await HubRuntime.open(setup.runtime);
  const kafka = setup.kafka ? await openKafkaDelivery(process.env, runtime.directory, 'onestop-hub') : undefined;
  const publisher = runtime.startPublisher({
    feed: setup.feed,
    kafka,
    lease: new PublisherLease(runtime.store, setup.lease.name, setup.lease.durationMs),
    agencies: setup.agencies,
    onError: (error) => post({ type: 'error', message: `publisher: ${error.message}` }),
  });
  forwardFeedDeliveries(runtime, post);
  port.on('message', (message: ToPublisherThread) => {
    if (message.type === 'appended') publisher.notify();
    else if (message.type === 'wait') {
      void publisher.waitFor(message.position, message.timeoutMs).then((ok) => post({ type: 'reached', id: message.id, ok }));
    } else if (message.type === 'stop') {
      void (async () => {
        await runtime.close();
        await kafka?.close();
        port.close();
      })();
    }
  });
  post({ type: 'ready' });
}

/**
 * Tells the API thread which agencies' HTTP feeds received messages, coalesced per turn of the
 * event loop, so that their server-sent event streams push at once.
 */
function forwardFeedDeliveries(runtime: HubRuntime, post: (message: FromPublisherThread) => void): void {
  const touched = new Set<string>();
  runtime.feed.onAnyDelivered((agencyId) => {
    if (touched.size === 0) {
      setImmediate(() => {
        post({ type: 'delivered', agencyIds: [...touched] });
        touched.clear();
      });
    }
    touched.add(agencyId);
  });
}

run(workerData as PublisherThreadSetup).catch((error: unknown) => {
  // An error before `ready` reaches the API thread as the worker's error and fails its start.
  throw error instanceof Error ? error : new Error(String(error));
});

import 'reflect-metadata';
import { HubRuntime, openKafkaDelivery, PublisherLease } from '@onestop/application';
import { ConfigError, HubConfig, loadConfig } from '@onestop/config';

/**
 * The publisher as its own process: the same library code the hub runs in-process, resuming
 * from its checkpoint. A lease in the event store keeps one instance active at a time; start
 * several for fail-over. Run the hub with HUB_PUBLISHER=false beside it.
 */
async function main(): Promise<void> {
  let config: HubConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const runtime = await HubRuntime.open({
    dataDir: config.HUB_DATA_DIR,
    store: config.HUB_STORE,
    esdbConnectionString: config.ESDB_CONNECTION_STRING,
    source: `urn:onestop:${config.HUB_AUDIENCE}`,
  });
  const lease = new PublisherLease(runtime.store, config.HUB_PUBLISHER_LEASE, config.HUB_PUBLISHER_LEASE_MS);
  const kafka = config.HUB_DELIVERY.includes('kafka') ? await openKafkaDelivery(process.env, runtime.directory, 'onestop-publisher') : undefined;
  const publisher = runtime.startPublisher({
    feed: config.HUB_DELIVERY.includes('feed'),
    kafka,
    lease,
    agencies: config.HUB_PUBLISHER_AGENCIES,
    onError: (e) => console.error(`publisher: ${e.message}`),
  });
  console.log(`Onestop publisher started (instance ${lease.holder}), resuming after position ${publisher.position}.`);
  const stop = async () => {
    await runtime.close();
    await kafka?.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`The publisher could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

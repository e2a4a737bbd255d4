import 'reflect-metadata';
import { ConsentExpiryWatcher, HubRuntime, openKafkaDelivery, PublisherLease, ReferralDeadlineTimer } from '@onestop/application';
import { DevKey, devIssuer, loadOrCreateDevKeys, TrustedIssuer } from '@onestop/auth';
import { adminIssuerOf, createHttpApp } from './bootstrap';
import { PARTNERSHIP_ADMIN } from './auth/partnership-issuers';
import { ConfigError, HubConfig, loadConfig } from '@onestop/config';
import { DEMO_KEY_IDS, seedDemo } from './demo/seed-demo';

async function demoAdmin(config: HubConfig, runtime: HubRuntime): Promise<{ admin: TrustedIssuer; keys: Map<string, DevKey> }> {
  const keys = await loadOrCreateDevKeys(config.HUB_DATA_DIR, DEMO_KEY_IDS);
  const seeded = await seedDemo(runtime, keys);
  if (seeded) console.log('Loaded the demo partnership: 8 agencies, 1 agreement, 3 people, 1 referral.');
  const admin = keys.get('partnership-admin');
  if (!admin) throw new Error('no dev key for the partnership administrator');
  return { admin: { issuer: devIssuer('partnership-admin'), agencyId: PARTNERSHIP_ADMIN, jwks: admin.publicJwks, allowedRoles: ['admin'] }, keys };
}

async function main(): Promise<void> {
  let config: HubConfig;
  try {
    config = loadConfig(process.env, { HUB_DEMO: true });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const runtime = await HubRuntime.open({ dataDir: config.HUB_DATA_DIR, store: config.HUB_STORE, esdbConnectionString: config.ESDB_CONNECTION_STRING, source: `urn:onestop:${config.HUB_AUDIENCE}`, bankHolidays: config.HUB_BANK_HOLIDAYS });
  const demo = config.HUB_DEMO ? await demoAdmin(config, runtime) : undefined;
  const admin = adminIssuerOf(config, demo?.admin);
  if (!admin) console.warn('No administrator is configured (HUB_ADMIN_ISSUER/HUB_ADMIN_JWKS): admin calls will be refused.');
  const withKafka = config.HUB_DELIVERY.includes('kafka');
  const feed = config.HUB_DELIVERY.includes('feed');
  const onPublisherError = (e: Error) => console.error(`publisher: ${e.message}`);
  let kafka: Awaited<ReturnType<typeof openKafkaDelivery>> | undefined;
  if (config.HUB_PUBLISHER && config.HUB_PUBLISHER_THREAD) {
    await runtime.startPublisherThread({ feed, kafka: withKafka, lease: { name: config.HUB_PUBLISHER_LEASE, durationMs: config.HUB_PUBLISHER_LEASE_MS }, agencies: config.HUB_PUBLISHER_AGENCIES, heapMb: config.HUB_PUBLISHER_HEAP_MB }, onPublisherError);
  } else if (config.HUB_PUBLISHER) {
    kafka = withKafka ? await openKafkaDelivery(process.env, runtime.directory, 'onestop-hub') : undefined;
    const lease = new PublisherLease(runtime.store, config.HUB_PUBLISHER_LEASE, config.HUB_PUBLISHER_LEASE_MS);
    runtime.startPublisher({ feed, kafka, lease, agencies: config.HUB_PUBLISHER_AGENCIES, onError: onPublisherError });
  }
  const expiry = new ConsentExpiryWatcher(runtime);
  expiry.start(1000, (e) => console.error(`consent expiry: ${e.message}`));
  const referralTimer = new ReferralDeadlineTimer(runtime);
  referralTimer.start(1000, (e) => console.error(`referral deadlines: ${e.message}`));
  const app = await createHttpApp({ runtime, config, admin, ...(demo ? { demo: { keys: demo.keys, withAdmin: admin === demo.admin } } : {}) });
  await app.listen(config.PORT, config.HUB_HOST);
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://${config.HUB_HOST}:${address.port}`;
  console.log(`Onestop hub listening on ${url}  (console: ${url}/console, API docs: ${url}/docs, health: ${url}/health)`);
  if (config.HUB_DEMO) {
    console.log('Demo tokens:  npm run token -- --agency sms --role caseworker');
    console.log('              npm run token -- --agency partnership --role admin');
    console.log('Demo sign-in is on in the console: anyone who can reach this hub can act as a demo user.');
  }
  const stop = async () => {
    expiry.stop();
    await referralTimer.stop();
    await app.close();
    await runtime.close();
    await kafka?.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`The hub could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

import { HubProcess } from '../support/hub-process';
import { Issuer, TestHub } from '../support/hub-harness';

const LEASE_MS = 3000;

/** Two publisher processes on one store: one delivers at a time, the other takes over after a crash. */
describe('publisher lease across processes', () => {
  let hub: TestHub;
  let publishers: HubProcess[] = [];
  let sms: Issuer;
  let housing: Issuer;

  const lastPosition = async () => (await hub.runtime.store.readAll({ direction: 'backwards', maxCount: 1 }))[0].position;
  const checkpoint = () => (hub.runtime.db.prepare("SELECT position FROM pub_checkpoints WHERE name = 'publisher'").pluck().get() as number | undefined) ?? 0;
  const until = async (predicate: () => boolean | Promise<boolean>, timeoutMs = 30_000) => {
    const end = Date.now() + timeoutMs;
    while (!(await predicate())) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const claims = async () =>
    (await hub.runtime.store.readStream('lease-publisher')).map((e) => ({ holder: e.data.holder as string, until: Date.parse(e.data.until as string), at: Date.parse(e.recordedAt) }));
  const recordPeople = async (n: number) => {
    const token = await sms.token(['caseworker']);
    for (let i = 0; i < n; i++) {
      const p = await hub.request('POST', '/v1/people', token, { name: `Lease Person ${i}`, dateOfBirth: '1990-01-01' });
      await hub.request('POST', `/v1/people/${p.body.personId}/consents`, token, {
        recipients: { agencies: ['housing'], kinds: [] },
        categories: ['identity', 'accommodation'],
        purposes: ['direct-support'],
        method: 'verbal',
      });
      await hub.request('POST', `/v1/people/${p.body.personId}/assessments`, token, { needs: { accommodation: { level: 'high', summary: 'no fixed abode' } } });
    }
  };

  beforeAll(async () => {
    hub = await TestHub.start({ publisher: false });
    sms = await hub.registerAgency('sms', 'substance-misuse');
    housing = await hub.registerAgency('housing', 'housing');
    const agreement = await hub.publishAgreement('isp', {
      title: 'ISP',
      parties: ['sms', 'housing'],
      grants: [{ recipient: 'housing', categories: ['identity', 'accommodation'], purposes: ['direct-support'], basis: 'consent', consentRequired: true }],
      reviewDate: '2099-01-01',
    });
    expect(agreement.status).toBe(201);
    const env = { HUB_DATA_DIR: hub.dataDir, HUB_PUBLISHER_LEASE_MS: String(LEASE_MS) };
    publishers = await Promise.all([HubProcess.start('publisher', env), HubProcess.start('publisher', env)]);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(publishers.map((p) => p.kill()));
    await hub.close();
  });

  it('delivers everything once, hands over after the active publisher is killed, and never overlaps', async () => {
    await recordPeople(20);
    await until(async () => checkpoint() >= (await lastPosition()) - 1);
    const holder = (await claims()).at(-1)!.holder;
    const active = publishers.find((p) => p.log.includes(holder));
    expect(active).toBeDefined();
    await active!.kill('SIGKILL');

    await recordPeople(20);
    await until(async () => checkpoint() >= (await lastPosition()) - 1, 40_000);
    const after = await claims();
    expect(after.at(-1)!.holder).not.toBe(holder);

    for (let i = 1; i < after.length; i++) {
      if (after[i].holder !== after[i - 1].holder) expect(after[i].at).toBeGreaterThanOrEqual(after[i - 1].until);
    }
    const token = await housing.token(['system']);
    const feed = hub.runtime.feed.read('housing', undefined, 1000).messages;
    expect(new Set(feed.map((m) => m.id)).size).toBe(feed.length);
    expect(feed.filter((m) => m.type === 'onestop.needs.assessed.v1')).toHaveLength(40);
    const viaHttp = await hub.request('GET', '/v1/feed?limit=1000', token);
    expect(viaHttp.body.messages).toHaveLength(feed.length);
  }, 90_000);
});

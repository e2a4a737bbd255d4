import { HubProcess } from '../support/hub-process';
import { TestHub } from '../support/hub-harness';
import { aboutReferral, feedOf, refer, ReferralPartnership, referralConsent, registerPerson, startReferralPartnership } from '../referrals/referral-partnership';

/**
 * The embedded default as `npm start` runs it: one hub process whose publisher runs on a thread
 * of its own (HUB_PUBLISHER_THREAD, on by default). The partnership is set up through an
 * in-test hub without a publisher on the same data directory; everything after goes over HTTP
 * to the real process.
 */
describe('the publisher on its own thread in the hub process', () => {
  let setup: TestHub;
  let hub: HubProcess;
  let remote: TestHub;
  let p: ReferralPartnership;

  beforeAll(async () => {
    setup = await TestHub.start({ publisher: false });
    p = await startReferralPartnership(setup);
    hub = await HubProcess.start('hub', { HUB_DATA_DIR: setup.dataDir, HUB_RATE_LIMIT: '0' });
    // The process, spoken to with the harness's request helper.
    remote = Object.assign(Object.create(TestHub.prototype) as TestHub, { url: hub.url });
  }, 60_000);

  afterAll(async () => {
    await hub?.kill('SIGTERM');
    await setup?.close();
  });

  it('has the receiving agency\'s feed hold a referral released by consent when the consent call returns', async () => {
    const personId = await registerPerson(remote, p);
    const { referralId } = await refer(remote, p, { personId, waitForConsent: true });
    const consent = await remote.request('POST', `/v1/people/${personId}/consents`, p.caseworker.outreach, referralConsent(['sms']));
    expect(consent.status).toBe(201);
    expect(aboutReferral(await feedOf(remote, p.system.sms), referralId)).toContain('onestop.referral.raised.v1');
    expect(hub.log).not.toMatch(/publisher:/);
  }, 30_000);

  it('pushes new messages to a server-sent event stream as the thread delivers them', async () => {
    const personId = await registerPerson(remote, p);
    const controller = new AbortController();
    const stream = await fetch(`${hub.url}/v1/feed/stream`, { headers: { authorization: `Bearer ${p.system.sms}`, 'last-event-id': await headCursor() }, signal: controller.signal });
    expect(stream.status).toBe(200);
    const { referralId } = await refer(remote, p, { personId, waitForConsent: true });
    await remote.request('POST', `/v1/people/${personId}/consents`, p.caseworker.outreach, referralConsent(['sms']));
    const reader = stream.body!.getReader();
    let text = '';
    while (!text.includes(referralId)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    expect(text).toContain(referralId);
  }, 30_000);

  it('stops the thread with the process, leaving the checkpoint at the last event delivered', async () => {
    await hub.kill('SIGTERM');
    const [last] = await setup.runtime.store.readAll({ direction: 'backwards', maxCount: 1 });
    const checkpoint = setup.runtime.db.prepare("SELECT position FROM pub_checkpoints WHERE name = 'publisher'").pluck().get() as number;
    expect(checkpoint).toBeGreaterThanOrEqual(last.position - 1);
  }, 30_000);

  async function headCursor(): Promise<string> {
    const page = await remote.request('GET', '/v1/feed?limit=1000', p.system.sms);
    return String(page.body.cursor ?? '0');
  }
});

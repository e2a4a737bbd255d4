import { MessageSigner, verifyMessage, type HubCloudEvent, type HubJwks } from '@onestop/delivery';
import { TestHub } from '../support/hub-harness';
import { AGENCY_IDS, Partnership } from './partnership';

/** The HTTP feed as an agency's system meets it: signed messages, its own only, paged, streamed, rebuildable. */
interface StreamEvent {
  id: string;
  message: HubCloudEvent;
}

/** Opens `GET /v1/feed/stream` and collects its server-sent events until `close()`. */
async function openStream(hub: TestHub, token: string, headers: Record<string, string> = {}, query = '') {
  const controller = new AbortController();
  const res = await fetch(`${hub.url}/v1/feed/stream${query}`, { headers: { authorization: `Bearer ${token}`, ...headers }, signal: controller.signal });
  const events: StreamEvent[] = [];
  if (res.status === 200) {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const fields = Object.fromEntries(buffer.slice(0, end).split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]));
          buffer = buffer.slice(end + 2);
          if (fields.data) events.push({ id: fields.id, message: JSON.parse(fields.data) as HubCloudEvent });
        }
      }
    })().catch(() => undefined);
  }
  const until = async (test: () => boolean, ms = 5000) => {
    for (const start = Date.now(); !test(); await new Promise((r) => setTimeout(r, 20))) {
      if (Date.now() - start > ms) throw new Error(`stream: timed out with ${events.length} events`);
    }
  };
  return { status: res.status, events, until, close: () => controller.abort() };
}

describe('the agency feed', () => {
  let hub: TestHub;
  let p: Partnership;
  let alex: string;
  beforeAll(async () => {
    hub = await TestHub.start();
    p = await Partnership.build(hub);
    alex = await p.register('housing', 'Alex Jones');
    await p.consent('hope', alex);
    await p.assess('hope', alex, 'accommodation', 'substance-use', 'mental-health', 'offending');
    const sam = await p.register('housing', 'Sam Smith');
    const samConsent = await p.consent('hope', sam);
    await p.assess('hope', sam, 'substance-use', 'physical-health');
    await p.withdraw('hope', sam, samConsent);
    await hub.published();
  });
  afterAll(() => hub.close());

  describe('signatures', () => {
    let jwks: HubJwks;
    beforeAll(async () => {
      const res = await hub.request('GET', '/.well-known/jwks.json');
      expect(res.status).toBe(200);
      jwks = res.body;
    });

    it('publishes only public keys', () => {
      expect(jwks.keys.length).toBeGreaterThan(0);
      for (const key of jwks.keys) expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', kid: expect.any(String) });
      expect(jwks.keys.some((k) => 'd' in k)).toBe(false);
    });

    it('every message in every agency\'s feed verifies with the published keys', async () => {
      for (const agency of AGENCY_IDS) {
        const messages = await p.feed(agency);
        expect(messages.length).toBeGreaterThan(0);
        for (const m of messages) expect(await verifyMessage(m, jwks)).toBe(true);
      }
    });

    it('a tampered message, or one signed by another key under the hub\'s kid, fails', async () => {
      const [m] = (await p.feed('sms')).filter((x) => x.data.needs);
      expect(await verifyMessage({ ...m, data: { ...m.data, needs: {} } }, jwks)).toBe(false);
      expect(await verifyMessage({ ...m, subject: 'someone-else' }, jwks)).toBe(false);
      expect(await verifyMessage({ ...m, lawfulbasis: 'vital-interests' }, jwks)).toBe(false);
      const { signature: _s, ...unsigned } = m;
      const impostor = await MessageSigner.fromPrivateJwk(await MessageSigner.generatePrivateJwk(jwks.keys[0].kid!));
      expect(await verifyMessage(await impostor.sign(unsigned), jwks)).toBe(false);
    });
  });

  describe('isolation', () => {
    it('a token reads its own agency\'s feed, exactly as stored for it', async () => {
      const res = await p.hub.request('GET', '/v1/feed?limit=1000', await p.token('sms', ['system']));
      expect(res.status).toBe(200);
      expect(res.body.agencyId).toBe('sms');
      const stored = hub.runtime.db.prepare("SELECT body FROM feed_messages WHERE agency_id = 'sms' AND body <> '' ORDER BY seq").pluck().all() as string[];
      expect(res.body.messages).toEqual(stored.map((b) => JSON.parse(b)));
      const others = new Set(hub.runtime.db.prepare("SELECT body FROM feed_messages WHERE agency_id <> 'sms'").pluck().all() as string[]);
      expect(stored.filter((b) => others.has(b))).toEqual([]);
      const subjects = new Set((res.body.messages as HubCloudEvent[]).map((m) => m.subject));
      const sam = hub.runtime.db.prepare("SELECT DISTINCT person_id FROM pub_disclosures WHERE agency_id = 'sms'").pluck().all() as string[];
      expect(subjects).toEqual(new Set(sam.map((id) => p.pseudonym('sms', id))));
    });

    it.each(['agency', 'agencyId'])('refuses another agency named in the query (%s) as an unknown field', async (field) => {
      const res = await p.hub.request('GET', `/v1/feed?${field}=police`, await p.token('sms', ['system']));
      expect(res.status).toBe(400);
      expect(Object.keys(res.body.error.fields)).toEqual([field]);
    });

    it('refuses a token claiming another agency, and callers that are not agency systems or caseworkers', async () => {
      expect((await p.hub.request('GET', '/v1/feed', await p.token('sms', ['system'], { agency: 'police' }))).status).toBe(401);
      expect((await p.hub.request('GET', '/v1/feed')).status).toBe(401);
      expect((await p.hub.request('GET', '/v1/feed', await hub.admin.token(['admin']))).status).toBe(403);
      expect((await openStream(hub, await p.token('sms', ['system'], { agency: 'police' }))).status).toBe(401);
    });

    it('streams only the caller\'s messages whatever the query says', async () => {
      const own = new Set((await p.feed('sms')).map((m) => JSON.stringify(m)));
      const stream = await openStream(hub, await p.token('sms', ['system']), {}, '?agency=police&agencyId=police');
      if (stream.status === 200) {
        await stream.until(() => stream.events.length >= own.size);
        stream.close();
        expect(stream.events.every((e) => own.has(JSON.stringify(e.message)))).toBe(true);
      } else expect(stream.status).toBe(400);
    });
  });

  describe('paging and streaming', () => {
    it('pages by cursor without gaps or repeats', async () => {
      const token = await p.token('police', ['system']);
      const whole = await p.feed('police', 1000);
      const paged: HubCloudEvent[] = [];
      let cursor = '0';
      for (;;) {
        const res = await hub.request('GET', `/v1/feed?limit=2&after=${cursor}`, token);
        expect(res.status).toBe(200);
        if (res.body.messages.length === 0) {
          expect(res.body.cursor).toBe(cursor);
          break;
        }
        expect(Number(res.body.cursor)).toBeGreaterThan(Number(cursor));
        paged.push(...res.body.messages);
        cursor = res.body.cursor;
      }
      expect(paged).toEqual(whole);
    });

    it.each([['after=abc', 'after'], ['limit=0', 'limit'], ['limit=1001', 'limit']])('names a bad %s', async (query, field) => {
      const res = await hub.request('GET', `/v1/feed?${query}`, await p.token('police', ['system']));
      expect(res.status).toBe(400);
      expect(res.body.error.fields).toHaveProperty(field);
    });

    it('streams new messages live and resumes after Last-Event-ID', async () => {
      const token = await p.token('sms', ['system']);
      const before = await p.feed('sms');
      const first = await openStream(hub, token);
      expect(first.status).toBe(200);
      await first.until(() => first.events.length === before.length);
      expect(first.events.map((e) => e.message.id)).toEqual(before.map((m) => m.id));

      await p.assess('hope', alex, 'substance-use');
      await first.until(() => first.events.length === before.length + 1, 3000);
      const live = first.events[first.events.length - 1];
      expect(live.message).toMatchObject({ type: 'onestop.needs.assessed.v1', subject: p.pseudonym('sms', alex) });
      first.close();

      await p.assess('hope', alex, 'substance-use', 'mental-health');
      await hub.published();
      const resumed = await openStream(hub, token, { 'last-event-id': live.id });
      await resumed.until(() => resumed.events.length >= 1);
      await new Promise((r) => setTimeout(r, 200));
      resumed.close();
      const latest = (await p.feed('sms')).slice(-1)[0];
      expect(resumed.events.map((e) => e.message.id)).toEqual([latest.id]);
      expect(Number(resumed.events[0].id)).toBeGreaterThan(Number(live.id));

      expect((await openStream(hub, token, { 'last-event-id': 'x1' })).status).toBe(400);
    });
  });

  describe('determinism', () => {
    const snapshot = () => ({
      feeds: hub.runtime.db.prepare('SELECT agency_id, message_id, body FROM feed_messages ORDER BY agency_id, seq').all(),
      disclosures: hub.runtime.db.prepare('SELECT * FROM pub_disclosures ORDER BY agency_id, message_id').all(),
      retractions: hub.runtime.db.prepare('SELECT message_id, agency_id, person_id, cause_event_id, reason, retracted_ids, created_at FROM pub_retractions ORDER BY message_id').all(),
      summaries: hub.runtime.db.prepare('SELECT * FROM pub_summaries ORDER BY agency_id, person_id').all(),
    });

    it('rebuilding every feed from an empty checkpoint yields the same messages, ids, fields, decisions and signatures', async () => {
      const [retraction] = await p.retractions('sms', (hub.runtime.db.prepare("SELECT person_id FROM pub_retractions WHERE agency_id = 'sms'").pluck().get() as string));
      expect((await p.as('sms', 'POST', '/v1/feed/acks', { retractionIds: [retraction.id] })).status).toBe(200);
      await hub.runtime.publisher!.stop();
      const before = snapshot();
      expect(before.retractions.length).toBeGreaterThan(0);
      hub.runtime.db.exec('DELETE FROM feed_messages');
      await hub.runtime.publisher!.rebuild();
      expect(snapshot()).toEqual(before);
      const acknowledged = hub.runtime.db.prepare('SELECT acknowledged_at FROM pub_retractions WHERE message_id = ?').pluck().get(retraction.id);
      expect(acknowledged).toEqual(expect.any(String)); // an agency's confirmation survives a rebuild
    });
  });
});

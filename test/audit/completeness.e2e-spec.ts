import { RETRACTION_TYPE } from '@onestop/delivery';
import { consentBody, personBody, registerPerson, startPartnership, Partnership } from '../support/fixtures';
import { Issuer, TestHub } from '../support/hub-harness';
import { feedMessages, headSeq, rawLog, recordsAfter, storedRecords } from './audit-support';

describe('the audit log is complete', () => {
  let hub: TestHub;
  let p: Partnership;
  let housingDpo: string;
  const people: Array<{ id: string; name: string; dob: string }> = [];

  beforeAll(async () => {
    hub = await TestHub.start();
    p = await startPartnership(hub);
    housingDpo = await p.housing.token(['dpo']);
    for (let i = 0; i < 3; i++) {
      const body = personBody();
      const id = await registerPerson(hub, p.tokens.housing, body);
      people.push({ id, name: String(body.name), dob: String(body.dateOfBirth) });
      await hub.request('POST', `/v1/people/${id}/assessments`, p.tokens.housing, {
        needs: { accommodation: { level: 'high', summary: 'sleeping rough' }, 'substance-use': { level: 'medium', summary: 'daily drinking' } },
      });
      const consent = await hub.request('POST', `/v1/people/${id}/consents`, p.tokens.housing, consentBody());
      expect(consent.status).toBe(201);
      if (i === 0) await hub.request('POST', `/v1/people/${id}/consents/${consent.body.consentId}/withdraw`, p.tokens.housing, {});
    }
    await hub.request('POST', '/v1/referrals', p.tokens.housing, { personId: people[1].id, toAgency: 'sms', service: 'detox', urgency: 'immediate', reason: 'ready today' });
    await hub.published();
  });
  afterAll(() => hub.close());

  it('has exactly one disclosure or retraction record for every message in every feed, and none for a message never sent', () => {
    const disclosures = storedRecords(hub, { kind: 'disclosure' });
    const retractions = storedRecords(hub, { kind: 'retraction' });
    let messages = 0;
    let withdrawn = 0;
    for (const agencyId of ['housing', 'sms', 'police']) {
      // Every message ever sent, including those a later retraction withdrew from the feed.
      const sent = hub.runtime.db.prepare('SELECT message_id AS id, type FROM feed_messages WHERE agency_id = ? ORDER BY seq').all(agencyId) as Array<{ id: string; type: string }>;
      const served = new Map(feedMessages(hub, agencyId).map((m) => [m.id, m]));
      withdrawn += sent.length - served.size;
      for (const { id, type } of sent) {
        messages += 1;
        const recorded = (type === RETRACTION_TYPE ? retractions : disclosures).filter((r) => r.agencyId === agencyId && r.detail?.messageId === id);
        expect({ agencyId, message: id, records: recorded.length }).toEqual({ agencyId, message: id, records: 1 });
        const m = served.get(id);
        if (m && m.type !== RETRACTION_TYPE) {
          expect(recorded[0].detail).toMatchObject({ eventId: m.id, basis: m.lawfulbasis, agreementId: m.agreementid, agreementVersion: m.agreementversion, grant: m.grant });
          expect(recorded[0].fields).toEqual(expect.arrayContaining(Object.keys(m.data).filter((f) => f !== 'personId')));
        }
      }
    }
    expect(disclosures.length + retractions.length).toBe(messages);
    expect(retractions.length).toBeGreaterThan(0);
    expect(withdrawn).toBeGreaterThan(0);
    expect(disclosures.some((r) => r.agencyId === 'sms' && r.detail?.consentId)).toBe(true);
  });

  it('writes one access record for every read, search and export, naming agency, user, roles, purpose, person, categories and fields', async () => {
    const [a] = people.slice(2);
    const reads: Array<[string, string, string, string]> = [
      ['read', 'GET', `/v1/people/${a.id}`, p.tokens.housing],
      ['history', 'GET', `/v1/people/${a.id}/history`, p.tokens.sms],
      ['search', 'GET', `/v1/people?name=${encodeURIComponent(a.name)}&dob=${a.dob}`, p.tokens.housing],
      ['subject-access', 'GET', `/v1/people/${a.id}/subject-access`, housingDpo],
    ];
    for (const [action, method, path, token] of reads) {
      const before = headSeq(hub);
      const res = await hub.request(method, path, token);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      const written = recordsAfter(hub, before);
      expect(written.map((r) => [r.kind, r.detail?.action])).toEqual([['access', action]]);
      const [record] = written;
      expect(record.subject).toBe(hub.runtime.audit.log.subjectOf(a.id));
      expect(record.actor).toMatch(/-user$/);
      expect(record.roles?.length).toBeGreaterThan(0);
      expect(record.categories).toContain('identity');
      expect(record.fields?.length).toBeGreaterThan(0);
    }
    const sms = recordsAfter(hub, 0).find((r) => r.detail?.action === 'history');
    expect(sms).toMatchObject({ agencyId: 'sms', purpose: 'direct-support' });
    expect(sms?.categories).toEqual(expect.arrayContaining(['identity', 'substance-use']));
    expect(sms?.categories).not.toContain('accommodation');
  });

  it('records an agency system reading its feed, and each acknowledged retraction', async () => {
    const system = await p.sms.token(['system']);
    const before = headSeq(hub);
    const page = await hub.request('GET', '/v1/feed?limit=1000', system);
    const retraction = page.body.messages.find((m: { type: string }) => m.type === RETRACTION_TYPE);
    expect(recordsAfter(hub, before).map((r) => [r.kind, r.detail?.action, r.detail?.messages])).toEqual([['access', 'feed', page.body.messages.length]]);
    const mid = headSeq(hub);
    expect((await hub.request('POST', '/v1/feed/acks', system, { retractionIds: [retraction.id] })).body.acknowledged).toBe(1);
    expect(recordsAfter(hub, mid)).toEqual([expect.objectContaining({ kind: 'retraction-ack', agencyId: 'sms', subject: hub.runtime.audit.log.subjectOf(people[0].id), detail: { retractionId: retraction.id } })]);
  });

  it('records every refused request, without the token or any personal data', async () => {
    const before = headSeq(hub);
    expect((await hub.request('GET', '/v1/audit/records', p.tokens.police)).status).toBe(403);
    expect((await hub.request('GET', `/v1/people/${people[1].id}`, 'not-a-token')).status).toBe(401);
    const refused = recordsAfter(hub, before);
    expect(refused).toEqual([
      expect.objectContaining({ kind: 'refused', agencyId: 'police', detail: { status: 403, code: 'auth.forbidden', method: 'GET', route: '/v1/audit/records' } }),
      expect.objectContaining({ kind: 'refused', subject: hub.runtime.audit.log.subjectOf(people[1].id), detail: { status: 401, code: 'auth.unauthenticated', method: 'GET', route: '/v1/people/:personId', reason: 'malformed' } }),
    ]);
    expect(JSON.stringify(refused)).not.toContain('not-a-token');
  });

  it('records every admin change: agencies registered, keys replaced, agreements published', async () => {
    const rotated = await Issuer.create('police');
    const res = await hub.request('PUT', '/v1/agencies/police', await hub.admin.token(['admin']), { name: 'police agency', kind: 'police', issuer: p.police.issuer, jwks: { keys: [p.police.publicJwk, { ...rotated.publicJwk, kid: 'police-2' }] } });
    expect(res.status).toBe(200);
    const admin = storedRecords(hub, { kind: 'admin' });
    expect(admin.map((r) => [r.detail?.change, r.detail?.targetAgency ?? r.detail?.agreementId])).toEqual([
      ['agency-registered', 'sms'],
      ['agency-registered', 'housing'],
      ['agency-registered', 'police'],
      ['agreement-published', 'one-stop-shop'],
      ['agency-updated', 'police'],
    ]);
    expect(admin[4]).toMatchObject({ agencyId: 'partnership', actor: 'partnership-user', detail: { keysChanged: true, keyIds: ['police-1', 'police-2'], changedFields: ['jwks'] } });
  });

  it('holds no plain personal data about the people supported, and verifies', async () => {
    const raw = rawLog(hub);
    for (const person of people) {
      expect(raw).not.toContain(person.id);
      expect(raw).not.toContain(person.name);
    }
    expect(raw).not.toContain('sleeping rough');
    const verified = await hub.request('GET', '/v1/audit/verify', housingDpo);
    expect(verified.body).toMatchObject({ ok: true, records: headSeq(hub) });
  });
});

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RETRACTION_TYPE } from '@onestop/delivery';
import { consentBody, personBody, registerPerson, startPartnership, Partnership } from '../support/fixtures';
import { TestHub } from '../support/hub-harness';
import { feedMessages, rawLog, storedRecords } from './audit-support';

describe('erasing a person', () => {
  let hub: TestHub;
  let p: Partnership;
  let dpo: string;
  let personId: string;
  const body = personBody();
  const held: Record<string, string[]> = {};

  beforeAll(async () => {
    hub = await TestHub.start();
    p = await startPartnership(hub);
    dpo = await p.housing.token(['dpo']);
    personId = await registerPerson(hub, p.tokens.housing, body);
    await hub.request('POST', `/v1/people/${personId}/consents`, p.tokens.housing, consentBody());
    await hub.request('POST', `/v1/people/${personId}/assessments`, p.tokens.housing, {
      needs: { accommodation: { level: 'high', summary: 'evicted on Friday' }, 'substance-use': { level: 'high', summary: 'heroin, wants detox' } },
    });
    await hub.published();
    for (const agencyId of ['housing', 'sms']) {
      const pseudonym = hub.runtime.pseudonymizer.pseudonym(agencyId, personId);
      held[agencyId] = feedMessages(hub, agencyId).filter((m) => m.subject === pseudonym).map((m) => m.id);
      expect(held[agencyId].length).toBeGreaterThan(0);
    }
  });
  afterAll(() => hub.close());

  it('is for the DPO only', async () => {
    expect((await hub.request('POST', `/v1/people/${personId}/erasure`, p.tokens.housing, {})).status).toBe(403);
    expect((await hub.request('POST', `/v1/people/${personId}/erasure`, await hub.admin.token(['admin']), {})).status).toBe(403);
  });

  it('destroys the data key, records the erasure and retracts from every agency holding anything', async () => {
    const res = await hub.request('POST', `/v1/people/${personId}/erasure`, dpo, { reference: 'DPO-2030-014' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ personId, retractingFrom: ['housing', 'sms'] });
    await hub.published();
    expect(hub.runtime.keys.findKey(personId)).toBeUndefined();
    expect(storedRecords(hub, { kind: 'erasure' })).toEqual([
      expect.objectContaining({ agencyId: 'housing', subject: hub.runtime.audit.log.subjectOf(personId), detail: expect.objectContaining({ reference: 'DPO-2030-014', method: 'crypto-shredding' }) }),
    ]);
    for (const agencyId of ['housing', 'sms']) {
      const retractions = feedMessages(hub, agencyId).filter((m) => m.type === RETRACTION_TYPE && m.data.reason === 'person-erased');
      expect(retractions).toHaveLength(1);
      expect([...(retractions[0].data.retractedIds as string[])].sort()).toEqual([...held[agencyId]].sort());
      expect(storedRecords(hub, { kind: 'retraction', agencyId })).toEqual(
        expect.arrayContaining([expect.objectContaining({ detail: expect.objectContaining({ reason: 'person-erased', tombstone: true, messageId: retractions[0].id }) })]),
      );
    }
    expect(feedMessages(hub, 'police')).toEqual([]);
  });

  it('leaves nothing of theirs to read in the agencies\' feeds or in the hub\'s file', async () => {
    for (const agencyId of ['housing', 'sms']) {
      const issuer = agencyId === 'sms' ? p.sms : p.housing;
      const feed = await hub.request('GET', '/v1/feed?limit=1000', await issuer.token(['system']));
      const pseudonym = hub.runtime.pseudonymizer.pseudonym(agencyId, personId);
      const theirs = (feed.body.messages as Array<{ subject: string; type: string }>).filter((m) => m.subject === pseudonym);
      expect({ agencyId, types: theirs.map((m) => m.type) }).toEqual({ agencyId, types: [RETRACTION_TYPE] });
    }
    // Read as they are: the hub emptied the write-ahead log itself after the erasure.
    const file = ['hub.db', 'hub.db-wal'].map((f) => join(hub.dataDir, f)).filter(existsSync).map((f) => readFileSync(f).toString('latin1')).join('');
    for (const text of [String(body.name), 'evicted on Friday', 'heroin, wants detox']) expect({ text, found: file.includes(text) }).toEqual({ text, found: false });
  });

  it('leaves every read of the person answering 410 Gone, and finds them nowhere', async () => {
    for (const [path, token] of [
      [`/v1/people/${personId}`, p.tokens.housing],
      [`/v1/people/${personId}/history`, p.tokens.sms],
      [`/v1/people/${personId}/subject-access`, dpo],
    ]) {
      expect({ path, status: (await hub.request('GET', path, token)).status }).toEqual({ path, status: 410 });
    }
    const search = await hub.request('GET', `/v1/people?name=${encodeURIComponent(String(body.name))}`, p.tokens.housing);
    expect(search.body.people).toEqual([]);
    expect((await hub.request('POST', `/v1/people/${personId}/check-ins`, p.tokens.housing, { changes: { finances: { level: 'low', summary: 'ok' } } })).status).toBe(410);
    expect((await hub.request('POST', `/v1/people/${personId}/erasure`, dpo, {})).status).toBe(410);
  });

  it('tracks the retractions until each agency acknowledges them', async () => {
    const outstanding = await hub.request('GET', '/v1/audit/retractions', dpo);
    const mine = outstanding.body.retractions.filter((r: { personId: string }) => r.personId === personId);
    expect(mine.map((r: { agencyId: string; reason: string }) => [r.agencyId, r.reason]).sort()).toEqual([
      ['housing', 'person-erased'],
      ['sms', 'person-erased'],
    ]);
    for (const r of mine) {
      const issuer = r.agencyId === 'sms' ? p.sms : p.housing;
      expect((await hub.request('POST', '/v1/feed/acks', await issuer.token(['system']), { retractionIds: [r.retractionId] })).body.acknowledged).toBe(1);
    }
    expect((await hub.request('GET', '/v1/audit/retractions', dpo)).body.retractions.filter((r: { personId: string }) => r.personId === personId)).toEqual([]);
  });

  it('withdraws the open referrals of the person erased, so no agency acts on them after', async () => {
    const other = await registerPerson(hub, p.tokens.housing, personBody());
    await hub.request('POST', `/v1/people/${other}/consents`, p.tokens.housing, consentBody({ categories: ['identity', 'substance-use', 'referral'] }));
    const raised = await hub.request('POST', '/v1/referrals', p.tokens.housing, { personId: other, toAgency: 'sms', service: 'detox', urgency: 'immediate', reason: 'Asked for detox today' });
    expect(raised.status).toBe(201);
    expect((await hub.request('POST', `/v1/people/${other}/erasure`, dpo, { reference: 'DPO-2030-015' })).status).toBe(200);
    const board = await hub.request('GET', '/v1/referrals', p.tokens.housing);
    expect(board.body.referrals.find((r: { referralId: string }) => r.referralId === raised.body.referralId)).toMatchObject({ status: 'withdrawn', deadlines: [] });
    const acknowledged = await hub.request('POST', `/v1/referrals/${raised.body.referralId}/acknowledge`, p.tokens.sms, {});
    expect(acknowledged.status).toBe(422);
    expect(acknowledged.body.error.code).toBe('referral.invalid-transition');
  });

  it('keeps the audit provable: it verifies, still answers for the person, and never held their data', async () => {
    const verified = await hub.request('GET', '/v1/audit/verify', dpo);
    expect(verified.body).toMatchObject({ ok: true });
    const about = await hub.request('GET', `/v1/audit/records?personId=${personId}&limit=1000`, dpo);
    expect(new Set(about.body.records.map((r: { kind: string }) => r.kind))).toEqual(new Set(['disclosure', 'refused', 'erasure', 'retraction', 'retraction-ack']));
    const raw = rawLog(hub);
    expect(raw).not.toContain(personId);
    expect(raw).not.toContain(String(body.name));
    expect(raw).not.toContain('heroin');
  });
});

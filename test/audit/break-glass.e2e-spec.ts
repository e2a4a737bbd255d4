import { personBody, registerPerson, startPartnership, Partnership } from '../support/fixtures';
import { TestHub } from '../support/hub-harness';
import { headSeq, ManualClock, rawLog, recordsAfter, storedRecords, tokenFor } from './audit-support';

const REASON = 'Found collapsed at the hostel, unresponsive; paramedics need his medication history';

describe('break-glass emergency access', () => {
  const clock = new ManualClock('2030-05-01T22:00:00.000Z');
  let hub: TestHub;
  let p: Partnership;
  let dpo: string;
  let personId: string;
  let grantId: string;

  beforeAll(async () => {
    hub = await TestHub.start({ now: clock.now });
    p = await startPartnership(hub);
    dpo = await p.sms.token(['dpo']);
    personId = await registerPerson(hub, p.tokens.housing, personBody());
    await hub.request('POST', `/v1/people/${personId}/assessments`, p.tokens.housing, {
      needs: { 'mental-health': { level: 'crisis', summary: 'stopped taking lithium' }, accommodation: { level: 'high', summary: 'hostel' } },
    });
  });
  afterAll(() => hub.close());

  it('without it, the police see nothing of the person', async () => {
    expect((await hub.request('GET', `/v1/people/${personId}`, p.tokens.police)).status).toBe(404);
  });

  it('refuses more than four hours, or no written reason, or a caller who is not a caseworker', async () => {
    const open = (token: string, body: unknown) => hub.request('POST', `/v1/people/${personId}/break-glass`, token, body);
    const tooLong = await open(p.tokens.police, { reason: REASON, minutes: 241 });
    expect([tooLong.status, Object.keys(tooLong.body.error.fields)]).toEqual([400, ['minutes']]);
    const noReason = await open(p.tokens.police, { minutes: 30 });
    expect([noReason.status, Object.keys(noReason.body.error.fields)]).toEqual([400, ['reason']]);
    expect((await open(await p.police.token(['system']), { reason: REASON, minutes: 30 })).status).toBe(403);
    expect(storedRecords(hub, { kind: 'break-glass' })).toEqual([]);
  });

  it('a caseworker opens it with a reason for at most four hours; it is recorded and queued for the DPO at once', async () => {
    const res = await hub.request('POST', `/v1/people/${personId}/break-glass`, p.tokens.police, { reason: REASON, minutes: 30 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ personId, basis: 'vital-interests', openedAt: clock.iso(), until: '2030-05-01T22:30:00.000Z' });
    grantId = res.body.grantId;
    expect(storedRecords(hub, { kind: 'break-glass' })).toEqual([
      expect.objectContaining({ agencyId: 'police', actor: 'police-user', subject: hub.runtime.audit.log.subjectOf(personId), detail: expect.objectContaining({ grantId, basis: 'vital-interests', minutes: 30 }) }),
    ]);
    expect(rawLog(hub)).not.toContain('collapsed');
    const queue = await hub.request('GET', '/v1/audit/break-glass', dpo);
    expect(queue.body.grants).toEqual([expect.objectContaining({ grantId, personId, agencyId: 'police', actor: 'police-user', reason: REASON, active: true, reads: [], review: null })]);
  });

  it('while in force, the caseworker who opened it reads everything, and each read is marked as break-glass', async () => {
    clock.advance(10);
    const before = headSeq(hub);
    const read = await hub.request('GET', `/v1/people/${personId}`, p.tokens.police);
    expect(read.status).toBe(200);
    expect(read.body.breakGlass).toEqual({ grantId, basis: 'vital-interests', until: '2030-05-01T22:30:00.000Z' });
    expect(read.body.needs['mental-health']).toMatchObject({ level: 'crisis' });
    expect(read.body.identity.name).toBeDefined();
    const history = await hub.request('GET', `/v1/people/${personId}/history`, p.tokens.police);
    expect(history.body.events.every((e: { basis: string }) => e.basis === 'vital-interests')).toBe(true);
    const reads = recordsAfter(hub, before);
    expect(reads.map((r) => [r.kind, r.detail?.action, r.detail?.breakGlass, r.detail?.grantId])).toEqual([
      ['access', 'read', true, grantId],
      ['access', 'history', true, grantId],
    ]);
    expect(reads[0].categories).toEqual(expect.arrayContaining(['identity', 'mental-health', 'accommodation']));
    const colleague = await tokenFor(p.police, 'another-officer', ['caseworker']);
    expect((await hub.request('GET', `/v1/people/${personId}`, colleague)).status).toBe(404);
  });

  it('expires on time: after 30 minutes the person is hidden again, and no read is marked', async () => {
    clock.advance(20);
    const before = headSeq(hub);
    expect((await hub.request('GET', `/v1/people/${personId}`, p.tokens.police)).status).toBe(404);
    expect(recordsAfter(hub, before).filter((r) => r.detail?.breakGlass)).toEqual([]);
    const queue = await hub.request('GET', '/v1/audit/break-glass', dpo);
    expect(queue.body.grants).toEqual([expect.objectContaining({ grantId, active: false, reads: [expect.objectContaining({ action: 'read' }), expect.objectContaining({ action: 'history' })] })]);
  });

  it('the DPO records the outcome once; the grant leaves the pending queue', async () => {
    expect((await hub.request('POST', `/v1/audit/break-glass/${grantId}/review`, p.tokens.police, { outcome: 'justified' })).status).toBe(403);
    const review = await hub.request('POST', `/v1/audit/break-glass/${grantId}/review`, dpo, { outcome: 'justified', note: 'ambulance crew confirmed the overdose risk' });
    expect(review.status).toBe(200);
    expect(review.body).toMatchObject({ grantId, outcome: 'justified' });
    expect((await hub.request('POST', `/v1/audit/break-glass/${grantId}/review`, dpo, { outcome: 'not-justified' })).status).toBe(422);
    expect((await hub.request('GET', '/v1/audit/break-glass', dpo)).body.grants).toEqual([]);
    const reviewed = await hub.request('GET', '/v1/audit/break-glass?status=reviewed', dpo);
    expect(reviewed.body.grants).toEqual([expect.objectContaining({ grantId, review: expect.objectContaining({ outcome: 'justified', reviewedBy: 'sms/sms-user' }) })]);
    expect(storedRecords(hub, { kind: 'break-glass-review' })).toEqual([expect.objectContaining({ agencyId: 'sms', detail: expect.objectContaining({ grantId, outcome: 'justified', noteKept: true }) })]);
    expect(rawLog(hub)).not.toContain('overdose');
    expect((await hub.request('GET', '/v1/audit/verify', dpo)).body).toMatchObject({ ok: true });
  });
});

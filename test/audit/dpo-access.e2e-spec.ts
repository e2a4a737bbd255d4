import { consentBody, personBody, registerPerson, startPartnership, Partnership } from '../support/fixtures';
import { Issuer, TestHub } from '../support/hub-harness';
import { headSeq, storedRecords } from './audit-support';

describe('the audit log, as the DPO and everyone else meet it', () => {
  let hub: TestHub;
  let p: Partnership;
  let dpo: string;
  let personId: string;
  const body = personBody({ contact: { phone: '07700 900461' } });

  beforeAll(async () => {
    hub = await TestHub.start();
    p = await startPartnership(hub);
    dpo = await p.sms.token(['dpo']);
    personId = await registerPerson(hub, p.tokens.housing, body);
    await hub.request('POST', `/v1/people/${personId}/consents`, p.tokens.housing, consentBody());
    await hub.request('POST', `/v1/people/${personId}/assessments`, p.tokens.housing, { needs: { 'substance-use': { level: 'high', summary: 'injecting <daily>' } } });
    await hub.published();
    await hub.request('GET', `/v1/people/${personId}`, p.tokens.sms);
  });
  afterAll(() => hub.close());

  const READS = ['/v1/audit/records', '/v1/audit/verify', '/v1/audit/checkpoints', '/v1/audit/break-glass', '/v1/audit/retractions'];

  it('is read only with the dpo role: caseworkers, systems and the administrator get 403, no token 401', async () => {
    const others = [p.tokens.sms, await p.sms.token(['system']), await p.housing.token(['caseworker', 'system']), await hub.admin.token(['admin'])];
    const paths = [...READS, `/v1/audit/explain?personId=${personId}&agencyId=sms&at=2030-01-01T00:00:00Z`, `/v1/people/${personId}/subject-access`];
    for (const path of paths) {
      for (const token of others) expect({ path, status: (await hub.request('GET', path, token)).status }).toEqual({ path, status: 403 });
      expect({ path, status: (await hub.request('GET', path)).status }).toEqual({ path, status: 401 });
      expect({ path, status: (await hub.request('GET', path, dpo)).status }).toEqual({ path, status: 200 });
    }
  });

  it('is not open to a DPO from outside the partnership', async () => {
    const stranger = await Issuer.create('elsewhere');
    expect((await hub.request('GET', '/v1/audit/records', await stranger.token(['dpo']))).status).toBe(401);
  });

  it('filters records by person, agency, kind and period, and pages', async () => {
    const about = await hub.request('GET', `/v1/audit/records?personId=${personId}&kind=disclosure&agencyId=sms`, dpo);
    expect(about.status).toBe(200);
    expect(about.body.records.length).toBeGreaterThan(0);
    expect(about.body.records.every((r: any) => r.kind === 'disclosure' && r.agencyId === 'sms' && r.subject === hub.runtime.audit.log.subjectOf(personId))).toBe(true);
    const none = await hub.request('GET', '/v1/audit/records?from=2099-01-01T00:00:00Z', dpo);
    expect(none.body).toEqual({ records: [], next: null });
    const first = await hub.request('GET', '/v1/audit/records?limit=2', dpo);
    const second = await hub.request('GET', `/v1/audit/records?limit=2&after=${first.body.next}`, dpo);
    expect(second.body.records[0].seq).toBe(first.body.records[1].seq + 1);
    expect((await hub.request('GET', '/v1/audit/records?kind=gossip', dpo)).status).toBe(400);
    for (const path of ['/v1/audit/records?from=2030-02-01T00:00:00Z&to=2030-01-01T00:00:00Z', '/v1/audit/disclosures.csv?agencyId=sms&from=2030-02-01T00:00:00Z&to=2030-02-01T00:00:00Z']) {
      const backwards = await hub.request('GET', path, dpo);
      expect({ path, status: backwards.status, fields: backwards.body.error?.fields }).toEqual({ path, status: 400, fields: { to: 'to must be later than from' } });
    }
  });

  it('cannot be written, changed or deleted through any call', async () => {
    const before = storedRecords(hub).map((r) => r.hash);
    const attempts: Array<[string, string]> = [
      ['POST', '/v1/audit/records'],
      ['PUT', '/v1/audit/records'],
      ['PATCH', '/v1/audit/records'],
      ['DELETE', '/v1/audit/records'],
      ['PUT', '/v1/audit/records/1'],
      ['DELETE', '/v1/audit/records/1'],
      ['DELETE', '/v1/audit/checkpoints'],
      ['DELETE', '/v1/audit/checkpoints/1'],
      ['PUT', '/v1/audit/checkpoints/1'],
    ];
    for (const [method, path] of attempts) {
      for (const token of [dpo, await hub.admin.token(['admin'])]) {
        const res = await hub.request(method, path, token, { kind: 'access', at: '2030-01-01T00:00:00Z' });
        expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
      }
    }
    const after = storedRecords(hub).map((r) => r.hash);
    expect(after.slice(0, before.length)).toEqual(before);
    expect((await hub.request('GET', '/v1/audit/verify', dpo)).body).toMatchObject({ ok: true });
  });

  it('exports a signed checkpoint the DPO keeps elsewhere, and verifies the log against it later', async () => {
    const exported = await hub.request('POST', '/v1/audit/checkpoints', dpo);
    expect(exported.status).toBe(201);
    const { checkpoint, jwks } = exported.body;
    expect(checkpoint.payload).toMatchObject({ type: 'onestop.audit.checkpoint.v1', fromSeq: 1 });
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    await hub.request('GET', `/v1/people/${personId}`, p.tokens.sms);
    const verified = await hub.request('POST', '/v1/audit/verify', dpo, { checkpoint });
    expect(verified.body).toMatchObject({ ok: true, exportedCheckpoint: 'held', records: headSeq(hub) });
    const forged = await hub.request('POST', '/v1/audit/verify', dpo, { checkpoint: { ...checkpoint, payload: { ...checkpoint.payload, toSeq: checkpoint.payload.toSeq + 5 } } });
    expect(forged.status).toBe(400);
    expect(Object.keys(forged.body.error.fields)).toEqual(['checkpoint']);
  });

  it('answers a subject access request: everything held, decrypted, every disclosure and access, as JSON and printable HTML', async () => {
    const json = await hub.request('GET', `/v1/people/${personId}/subject-access`, dpo);
    expect(json.status).toBe(200);
    expect(json.body.summary.identity.name).toBe(body.name);
    expect(json.body.summary.contact).toEqual({ phone: '07700 900461' });
    expect(json.body.events.map((e: { type: string }) => e.type)).toEqual(['PersonRegistered.v1', 'ConsentGiven.v1', 'NeedsAssessed.v1']);
    expect(json.body.events[2].data.needs['substance-use'].summary).toBe('injecting <daily>');
    expect(json.body.disclosures.some((d: any) => d.agencyId === 'sms' && d.basis === 'consent' && d.agreementId === 'one-stop-shop')).toBe(true);
    expect(json.body.disclosures.some((d: any) => d.agencyId === 'housing' && d.basis === 'own-record')).toBe(true);
    expect(json.body.accesses).toEqual(expect.arrayContaining([expect.objectContaining({ agencyId: 'sms', user: 'sms-user', action: 'read' })]));
    const html = await hub.request('GET', `/v1/people/${personId}/subject-access?format=html`, dpo);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.body).toContain(String(body.name));
    expect(html.body).toContain('injecting &lt;daily&gt;');
    expect(html.body).not.toContain('<daily>');
    expect(html.body).not.toMatch(/<script/i);
  });

  it('reports an agency\'s disclosures in a period as CSV', async () => {
    const csv = await hub.request('GET', '/v1/audit/disclosures.csv?agencyId=sms&from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z', dpo);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (csv.body as string).trim().split('\r\n');
    expect(lines[0]).toBe('seq,at,agency,subject,event_id,event_type,message_id,purpose,basis,agreement_id,agreement_version,grant,consent_id,categories,fields,record_hash');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.length).toBe(storedRecords(hub, { kind: 'disclosure', agencyId: 'sms' }).length);
    expect(rows.every((r) => r[2] === 'sms' && r[8] === 'consent' && r[9] === 'one-stop-shop')).toBe(true);
    expect(csv.body).not.toContain(personId);
    const empty = await hub.request('GET', '/v1/audit/disclosures.csv?agencyId=sms&from=2099-01-01T00:00:00Z&to=2100-01-01T00:00:00Z', dpo);
    expect((empty.body as string).trim().split('\r\n')).toHaveLength(1);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Issuer } from '../support/hub-harness';
import { HubProcess } from '../support/hub-process';

/** Two hub processes on one SQLite store: optimistic concurrency and consistent reads hold. */
describe('two API replicas on one store', () => {
  let dataDir: string;
  let a: HubProcess;
  let b: HubProcess;
  let admin: Issuer;
  let sms: Issuer;

  const call = async (base: string, method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'onestop-replicas-'));
    admin = await Issuer.create('partnership');
    sms = await Issuer.create('sms');
    const jwksFile = join(dataDir, 'admin-jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [admin.publicJwk] }));
    const env = { HUB_DATA_DIR: dataDir, HUB_ADMIN_ISSUER: admin.issuer, HUB_ADMIN_JWKS: jwksFile };
    a = await HubProcess.start('hub', env);
    b = await HubProcess.start('hub', env);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([a?.kill('SIGTERM'), b?.kill('SIGTERM')]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves on one replica what was written through the other', async () => {
    const put = await call(a.url, 'PUT', '/v1/agencies/sms', await admin.token(['admin']), {
      name: 'Substance Misuse Service',
      kind: 'substance-misuse',
      issuer: sms.issuer,
      jwks: { keys: [sms.publicJwk] },
    });
    expect(put.status).toBe(201);
    const token = await sms.token(['caseworker']);
    const created = await call(b.url, 'POST', '/v1/people', token, { name: 'Replica Person', dateOfBirth: '1980-05-05' });
    expect(created.status).toBe(201);
    const read = await call(a.url, 'GET', `/v1/people/${created.body.personId}`, token);
    expect(read.status).toBe(200);
    expect(read.body.identity.name).toBe('Replica Person');
  });

  it('lets exactly one of two concurrent writers to a stream win; the other gets 409', async () => {
    const token = await sms.token(['caseworker']);
    const created = await call(a.url, 'POST', '/v1/people', token, { name: 'Contended Person', dateOfBirth: '1982-02-02' });
    let revision = created.body.revision as number;
    for (let round = 0; round < 10; round++) {
      const body = { needs: { accommodation: { level: 'high', summary: `round ${round}` } } };
      const results = await Promise.all(
        [a, b].map((hub) => call(hub.url, 'POST', `/v1/people/${created.body.personId}/assessments`, token, body, { 'If-Match': `"${revision}"` })),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 409]);
      const loser = results.find((r) => r.status === 409)!;
      expect(loser.body.error.code).toBe('stream.version-conflict');
      revision = results.find((r) => r.status === 201)!.body.revision;
      expect(loser.body.error.actualRevision).toBeGreaterThanOrEqual(revision - 1);
    }
    const history = await call(b.url, 'GET', `/v1/people/${created.body.personId}/history`, token);
    expect(history.body.events.filter((e: any) => e.type === 'NeedsAssessed.v1')).toHaveLength(10);
  });
});

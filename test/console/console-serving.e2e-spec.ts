import { request as httpRequest } from 'node:http';
import { decodeJwt } from 'jose';
import { TestHub } from '../support/hub-harness';

/** A raw GET, so that `..` and odd encodings reach the hub exactly as written. */
function rawGet(url: string, path: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'";

describe('the hub serving the console', () => {
  let demo: TestHub;
  let plain: TestHub;
  beforeAll(async () => {
    [demo, plain] = await Promise.all([TestHub.start({ demo: true }), TestHub.start()]);
  });
  afterAll(async () => {
    await demo?.close();
    await plain?.close();
  });

  it('serves the console at /console with a strict Content-Security-Policy and no token', async () => {
    for (const path of ['/console', '/console/']) {
      const res = await plain.request('GET', path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toContain(CSP);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(String(res.body)).toContain('<script type="module" src="/console/app.js"></script>');
    }
  });

  it('serves each kind of file with its content type', async () => {
    const types: Record<string, string> = {
      '/console/app.js': 'text/javascript; charset=utf-8',
      '/console/pages/person.js': 'text/javascript; charset=utf-8',
      '/console/styles.css': 'text/css; charset=utf-8',
      '/console/index.html': 'text/html; charset=utf-8',
    };
    for (const [path, type] of Object.entries(types)) {
      const res = await plain.request('GET', path);
      expect({ path, status: res.status, type: res.headers.get('content-type') }).toEqual({ path, status: 200, type });
    }
  });

  it('serves nothing outside the console folder, however the path is written', async () => {
    const attempts = [
      '/console/../package.json',
      '/console/../../package.json',
      '/console/%2e%2e/%2e%2e/package.json',
      '/console/%2e%2e/%2e%2e/%2e%2e/package.json',
      '/console/..%2f..%2f..%2fpackage.json',
      '/console/lib/%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2Fpackage.json',
      '/console/%2e%2e%5c%2e%2e%5cpackage.json',
      '/console/..\\..\\package.json',
      '/console/app.js%00.html',
      '/console/.gitignore',
      '/console/%252e%252e/package.json',
      '/console//etc/passwd',
      '/console/lib',
      '/console/missing.js',
      '/console/app.ts',
    ];
    for (const path of attempts) {
      const res = await rawGet(plain.url, path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(res.body).not.toContain('onestop-hub');
    }
  });

  it('marks every API answer not to be stored by browsers or proxies', async () => {
    const admin = await plain.admin.token(['admin']);
    const res = await plain.request('GET', '/v1/agencies', admin);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const denied = await plain.request('GET', '/v1/agencies');
    expect(denied.headers.get('cache-control')).toBe('no-store');
  });

  it('offers the demo sign-in only when the hub runs the demo: otherwise both routes are 404', async () => {
    const users = await plain.request('GET', '/console/demo-users');
    expect(users.status).toBe(404);
    for (const body of [{ agency: 'sms', role: 'caseworker' }, { nonsense: true }]) {
      const token = await plain.request('POST', '/console/demo-token', undefined, body);
      expect(token.status).toBe(404);
      expect(token.body.error.code).toBe('route.not-found');
    }
  });

  it('in the demo, lists the demo users and mints a short-lived token the API accepts', async () => {
    const users = await demo.request('GET', '/console/demo-users');
    expect(users.status).toBe(200);
    expect(users.body.users).toContainEqual({ agencyId: 'sms', agencyName: 'Substance Misuse Service', role: 'caseworker' });
    expect(users.body.users).toContainEqual({ agencyId: 'partnership', agencyName: 'Partnership administration', role: 'admin' });

    const minted = await demo.request('POST', '/console/demo-token', undefined, { agency: 'police', role: 'caseworker', purpose: 'safeguarding' });
    expect(minted.status).toBe(200);
    expect(minted.headers.get('cache-control')).toBe('no-store');
    const claims = decodeJwt(minted.body.token);
    expect(claims).toMatchObject({ agency: 'police', roles: ['caseworker'], purpose: 'safeguarding', aud: 'onestop-hub' });
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(1800);
    expect((await demo.request('GET', '/v1/referrals', minted.body.token)).status).toBe(200);

    const admin = await demo.request('POST', '/console/demo-token', undefined, { agency: 'partnership', role: 'admin' });
    expect((await demo.request('GET', '/v1/agreements', admin.body.token)).status).toBe(200);
  });

  it('in the demo, refuses a user who is not offered, naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ agency: 'sms', role: 'admin' }, 'role'],
      [{ agency: 'nobody', role: 'caseworker' }, 'role'],
      [{ agency: 'sms', role: 'system' }, 'role'],
      [{ agency: 'sms', role: 'caseworker', purpose: 'curiosity' }, 'purpose'],
      [{ agency: 'sms', role: 'caseworker', roles: ['admin'] }, 'roles'],
    ];
    for (const [body, field] of cases) {
      const res = await demo.request('POST', '/console/demo-token', undefined, body);
      expect({ body, status: res.status, fields: Object.keys(res.body.error.fields ?? {}) }).toEqual({ body, status: 400, fields: [field] });
    }
  });
});

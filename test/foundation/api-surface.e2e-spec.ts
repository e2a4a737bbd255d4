import { randomUUID } from 'node:crypto';
import { TestHub } from '../support/hub-harness';
import { storedEvents } from '../support/fixtures';

/** The calls of the contract table in PRODUCT.md that exist so far, as OpenAPI documents them. */
const CONTRACT: Array<[method: string, path: string]> = [
  ['put', '/v1/agencies/{agencyId}'],
  ['get', '/v1/agencies'],
  ['put', '/v1/agreements/{agreementId}'],
  ['get', '/v1/agreements'],
  ['post', '/v1/people'],
  ['get', '/v1/people'],
  ['get', '/v1/people/{personId}'],
  ['get', '/v1/people/{personId}/history'],
  ['post', '/v1/people/{personId}/consents'],
  ['post', '/v1/people/{personId}/consents/{consentId}/withdraw'],
  ['post', '/v1/people/{personId}/assessments'],
  ['post', '/v1/people/{personId}/check-ins'],
  ['post', '/v1/referrals'],
  ['post', '/v1/referrals/{referralId}/{action}'],
  ['get', '/v1/referrals'],
  ['get', '/v1/feed'],
  ['get', '/v1/feed/stream'],
  ['post', '/v1/feed/acks'],
  ['get', '/health'],
];

/** The same calls with concrete ids, as an agency would make them. */
const concrete = (path: string): string =>
  path
    .replace('{agencyId}', 'housing')
    .replace('{agreementId}', 'one-stop-shop')
    .replace(/\{(personId|consentId|referralId)\}/g, () => randomUUID())
    .replace('{action}', 'accept');

describe('the surface of the API', () => {
  let hub: TestHub;
  let openapi: { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, any> } };

  beforeAll(async () => {
    hub = await TestHub.start();
    openapi = (await hub.request('GET', '/docs/openapi.json')).body;
  });
  afterAll(() => hub.close());

  describe('without a token', () => {
    it('answers GET /health with 200', async () => {
      const res = await hub.request('GET', '/health');
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('ok');
    });

    it('serves the hub\'s public signing keys at /.well-known/jwks.json', async () => {
      const res = await hub.request('GET', '/.well-known/jwks.json');
      expect(res.status).toBe(200);
      expect(res.body.keys.length).toBeGreaterThan(0);
      expect(JSON.stringify(res.body)).not.toMatch(/"d":/);
    });

    it('serves the OpenAPI page at /docs', async () => {
      const res = await hub.request('GET', '/docs');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(String(res.body)).toMatch(/swagger/i);
    });

    it.each(CONTRACT.filter(([, path]) => path !== '/health'))('refuses %s %s with 401 and a Bearer challenge, recording nothing', async (method, path) => {
      const before = await storedEvents(hub);
      const res = await hub.request(method.toUpperCase(), concrete(path), undefined, method === 'get' ? undefined : {});
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="onestop-hub"');
      expect(res.body.error.code).toBe('auth.unauthenticated');
      expect(await storedEvents(hub)).toBe(before);
    });
  });

  describe('the OpenAPI document at /docs/openapi.json', () => {
    it.each(CONTRACT)('documents %s %s', (method, path) => {
      expect(openapi.paths[path]?.[method]).toBeDefined();
    });

    it('documents a request body schema, with its properties, for every call that takes one', () => {
      const withBodies = CONTRACT.filter(([method, path]) => method !== 'get' && path !== '/v1/referrals/{referralId}/{action}');
      for (const [method, path] of withBodies) {
        const ref: string | undefined = openapi.paths[path][method].requestBody?.content?.['application/json']?.schema?.$ref;
        expect([path, ref]).toEqual([path, expect.stringMatching(/^#\/components\/schemas\//)]);
        const schema = openapi.components.schemas[ref!.split('/').pop()!];
        expect([path, Object.keys(schema?.properties ?? {}).length > 0]).toEqual([path, true]);
      }
    });

    it('documents the six referral actions', () => {
      const action = openapi.paths['/v1/referrals/{referralId}/{action}'].post.parameters.find((p: { name: string }) => p.name === 'action');
      expect(action.schema.enum).toEqual(['acknowledge', 'accept', 'decline', 'start', 'complete', 'withdraw']);
    });

    it.each<[string, string[]]>([
      ['/v1/people', ['name', 'dob']],
      ['/v1/referrals', ['status', 'toAgency']],
      ['/v1/feed', ['after', 'limit']],
    ])('documents the query parameters of GET %s', (path, names) => {
      const documented = (openapi.paths[path].get.parameters ?? []).filter((p: { in: string }) => p.in === 'query').map((p: { name: string }) => p.name);
      expect(documented).toEqual(expect.arrayContaining(names));
    });

    it('documents the refusals each call can give, each with the one error body', () => {
      const errorBody = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };
      expect(openapi.components.schemas.Error.properties.error.required).toEqual(['code', 'message']);
      for (const [method, path] of CONTRACT.filter(([, p]) => p !== '/health')) {
        const responses = openapi.paths[path][method].responses;
        for (const status of ['401', '403', '429']) expect([path, method, status, responses[status]?.content]).toEqual([path, method, status, errorBody]);
        for (const [status, response] of Object.entries(responses) as Array<[string, { description: string }]>) expect([path, status, response.description]).toEqual([path, status, expect.stringMatching(/\S/)]);
      }
      const put = openapi.paths['/v1/agencies/{agencyId}'].put.responses;
      expect(Object.keys(put)).toEqual(expect.arrayContaining(['200', '201', '400', '409', '413', '415']));
      expect(Object.keys(openapi.paths['/v1/people/{personId}/check-ins'].post.responses)).toEqual(expect.arrayContaining(['201', '400', '404', '409', '410', '415']));
      expect(openapi.paths['/v1/referrals'].post.responses['403'].description).toContain('policy.denied');
    });

    it('marks every call but health as needing a bearer token', () => {
      for (const [method, path] of CONTRACT.filter(([, p]) => p !== '/health')) {
        expect([path, openapi.paths[path][method].security]).toEqual([path, [{ bearer: [] }]]);
      }
    });
  });

  describe('malformed requests', () => {
    it('answers an unknown route with 404 route.not-found', async () => {
      const res = await hub.request('GET', '/v1/nowhere', await hub.admin.token(['admin']));
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('route.not-found');
    });

    it('refuses a body above the size limit with 413 request.too-large', async () => {
      const res = await hub.request('PUT', '/v1/agreements/huge', await hub.admin.token(['admin']), { title: 'x'.repeat(300 * 1024) });
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('request.too-large');
    });
  });
});

import { TestHub } from '../support/hub-harness';
import { fetchOpenApi, OpenApiDocument, Operation, operationsOf } from './openapi';
import { AGENCY_A, AGENCY_B, buildWorld, CALLER_LABELS, CallerLabel, concretePath, PersonRecord, queryString, rawCall, RawResponse, recordPerson, SENTINEL_NAME, validBody, validQuery, World } from './world';

/**
 * The access matrix: every call the OpenAPI document lists × every role × agency A (housing,
 * which recorded the person) and agency B (the police, with no grant), plus the bootstrap
 * administrator. Each cell asserts its status class, and no response to B or to the
 * administrator may contain any of A's person data (the sentinels: name, date of birth,
 * identifiers, contact, summaries, notes, reasons).
 *
 * Legend, in column order cw-A cw-B dpo-A dpo-B sys-A sys-B admin:
 *   a  allowed: 2xx
 *   v  allowed past authorisation, the (deliberately unknown) ids in the body refused: 400
 *   d  forbidden: 403
 *   h  hidden: 404, as for an id that does not exist
 */
const EXPECTED: Record<string, string> = {
  'PUT /v1/agencies/{agencyId}': 'dddddda',
  'GET /v1/agencies': 'aaaaaaa',
  'PUT /v1/agreements/{agreementId}': 'dddddda',
  'GET /v1/agreements': 'aaaaaaa',
  'POST /v1/people': 'aaddddd',
  'GET /v1/people': 'aaaaddd',
  'GET /v1/people/{personId}': 'ahahddd',
  'GET /v1/people/{personId}/history': 'ahahddd',
  'POST /v1/people/{personId}/consents': 'aaddddd',
  'POST /v1/people/{personId}/consents/{consentId}/withdraw': 'aaddddd',
  'POST /v1/people/{personId}/assessments': 'aaddddd',
  'POST /v1/people/{personId}/check-ins': 'aaddddd',
  'POST /v1/referrals': 'aaddddd',
  'POST /v1/referrals/{referralId}/{action}': 'adddadd',
  'GET /v1/referrals': 'aaddaad',
  'GET /v1/referrals/measures': 'aaaaaaa',
  'GET /v1/feed': 'aaddaad',
  'GET /v1/feed/stream': 'aaddaad',
  'POST /v1/feed/acks': 'vvddvvd',
  'GET /.well-known/jwks.json': 'aaaaaaa',
  'GET /health': 'aaaaaaa',
  'GET /metrics': 'aaaaaaa',
  'GET /v1/audit/records': 'ddaaddd',
  'GET /v1/audit/verify': 'ddaaddd',
  'POST /v1/audit/verify': 'ddvvddd',
  'GET /v1/audit/checkpoints': 'ddaaddd',
  'POST /v1/audit/checkpoints': 'ddaaddd',
  'GET /v1/audit/explain': 'ddaaddd',
  'GET /v1/audit/disclosures.csv': 'ddaaddd',
  'GET /v1/audit/retractions': 'ddaaddd',
  'POST /v1/people/{personId}/break-glass': 'aaddddd',
  'GET /v1/audit/break-glass': 'ddaaddd',
  'POST /v1/audit/break-glass/{grantId}/review': 'ddhhddd',
  'GET /v1/people/{personId}/subject-access': 'ddahddd',
  'POST /v1/people/{personId}/erasure': 'ddahddd',
};

/**
 * Cells that show B's callers A's person on purpose, each with the reason. Any other response to
 * B or to the administrator holding a sentinel fails the suite.
 */
const DELIBERATE: Record<string, { callers: CallerLabel[]; why: string }> = {};

/** Cells whose response must show A's person: proof that the leak scan can see a leak. */
const REVEALS: Array<[string, CallerLabel]> = [
  ['GET /v1/people', 'cw-A'],
  ['GET /v1/people/{personId}', 'cw-A'],
  ['GET /v1/people/{personId}', 'dpo-A'],
  ['GET /v1/people/{personId}/history', 'cw-A'],
  ['GET /v1/people/{personId}/history', 'dpo-A'],
];

const STATUS_CLASS: Record<string, (status: number) => boolean> = {
  a: (s) => s >= 200 && s < 300,
  v: (s) => s === 400,
  d: (s) => s === 403,
  h: (s) => s === 404,
};

/** Callers outside agency A: nothing they receive may hold A's person data. */
const OUTSIDERS: CallerLabel[] = ['cw-B', 'dpo-B', 'sys-B', 'admin'];

const leaked = (res: RawResponse, sentinels: string[]): string[] => sentinels.filter((s) => res.text.includes(s));

describe(`the access matrix: every documented call × role × agency (A = ${AGENCY_A}, which recorded the person; B = ${AGENCY_B}, no grant)`, () => {
  let hub: TestHub;
  let world: World;
  let doc: OpenApiDocument;
  let operations: Operation[];
  let shared: PersonRecord;
  const rows = new Map<string, string[]>();

  /** Makes one cell's call: reads act on a shared person, writes on a fresh one so that no cell depends on another. */
  async function cell(op: Operation, caller: CallerLabel): Promise<{ res: RawResponse; record: PersonRecord }> {
    const record = op.method === 'GET' ? shared : await recordPerson(world);
    if (op.path.startsWith('/v1/feed')) await hub.published();
    const hasBody = op.method !== 'GET' && op.method !== 'DELETE';
    const path = concretePath(op, record) + queryString(validQuery(op, record));
    const res = await rawCall(hub.url, op.method, path, world.callers[caller].token, hasBody ? validBody(doc, op, record) : undefined);
    return { res, record };
  }

  /** Runs the row of one call; returns each caller's response after the checks every cell shares. */
  async function row(op: Operation): Promise<Map<CallerLabel, RawResponse>> {
    const out = new Map<CallerLabel, RawResponse>();
    for (const caller of CALLER_LABELS) {
      const { res, record } = await cell(op, caller);
      out.set(caller, res);
      expect([op.key, caller, res.status < 500]).toEqual([op.key, caller, true]);
      if (OUTSIDERS.includes(caller) && !DELIBERATE[op.key]?.callers.includes(caller)) {
        expect([op.key, caller, leaked(res, [...new Set([...shared.sentinels, ...record.sentinels])])]).toEqual([op.key, caller, []]);
      }
      if (res.status >= 400) expect([op.key, caller, typeof JSON.parse(res.text)?.error?.code]).toEqual([op.key, caller, 'string']);
    }
    return out;
  }

  beforeAll(async () => {
    hub = await TestHub.start();
    world = await buildWorld(hub);
    doc = await fetchOpenApi(hub.url);
    operations = operationsOf(doc);
    shared = await recordPerson(world);
    await hub.published();
  });

  afterAll(async () => {
    const width = Math.max(...[...rows.keys()].map((k) => k.length));
    const lines = [
      `${'call'.padEnd(width)}  ${CALLER_LABELS.map((c) => c.padStart(5)).join('')}`,
      ...[...rows].map(([key, cells]) => `${key.padEnd(width)}  ${cells.map((c) => c.padStart(5)).join('')}${EXPECTED[key] ? '' : '   (not in the table)'}`),
    ];
    console.log(`Access matrix (status per caller; A = ${AGENCY_A}, B = ${AGENCY_B}):\n${lines.join('\n')}`);
    await hub.close();
  });

  it('lists in the table every call the OpenAPI document has, and nothing else (a new call needs its row)', () => {
    expect(operations.map((o) => o.key).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s: %s, and nothing of A\'s person reaches B or the administrator', async (key, expected) => {
    const op = operations.find((o) => o.key === key);
    expect([key, op !== undefined]).toEqual([key, true]);
    const responses = await row(op!);
    rows.set(key, CALLER_LABELS.map((c) => String(responses.get(c)!.status)));
    const got = CALLER_LABELS.map((c, i) => (STATUS_CLASS[expected[i]](responses.get(c)!.status) ? expected[i] : `${expected[i]}≠${responses.get(c)!.status}`));
    expect(got.join(' ')).toBe([...expected].join(' '));
    for (const [revealKey, caller] of REVEALS) if (revealKey === key) expect([key, caller, responses.get(caller)!.text.includes(SENTINEL_NAME)]).toEqual([key, caller, true]);
  });

  it('answers calls the table does not list yet without a 5xx and without leaking to B', async () => {
    for (const op of operations.filter((o) => !EXPECTED[o.key])) {
      const responses = await row(op);
      rows.set(op.key, CALLER_LABELS.map((c) => String(responses.get(c)!.status)));
    }
  });
});

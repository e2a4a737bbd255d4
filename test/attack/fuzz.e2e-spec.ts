import fc from 'fast-check';
import { TestHub } from '../support/hub-harness';
import { FuzzRequest, ifMatch, mutatedBody, nastyString, percentEncode, queryFor, randomJson, rawBody } from './fuzz-arbitraries';
import { fetchOpenApi, OpenApiDocument, Operation, operationsOf } from './openapi';
import { allowedCaller, buildWorld, CallerLabel, concretePath, PersonRecord, queryString, rawCall, RawResponse, recordPerson, validBody, validQuery, World } from './world';

/**
 * Schema-driven fuzzing: every call of the OpenAPI document that takes a body or query
 * parameters gets generated requests (mutations of a valid body, random JSON, raw non-JSON,
 * hostile queries, odd `If-Match` headers and path parameters) with a valid token of a role
 * the call allows. The hub must never answer 5xx, must answer every refusal with a JSON
 * `error.code`, and must write nothing when it refuses.
 *
 * Runs per call: `ATTACK_FUZZ_RUNS` (default 50: about 15 s of CPU for the file, well under a
 * minute on a loaded two-core machine; `npm run test:fuzz:long` runs 5,000). A failure prints
 * its seed: rerun it with `ATTACK_FUZZ_SEED`.
 */
const RUNS = Number(process.env.ATTACK_FUZZ_RUNS ?? 50);
const SEED = process.env.ATTACK_FUZZ_SEED === undefined ? undefined : Number(process.env.ATTACK_FUZZ_SEED);

const withPathParam = (op: Operation, record: PersonRecord, replace?: FuzzRequest['pathParam']): string => {
  const path = concretePath(op, record);
  if (!replace) return path;
  const names = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  if (names.length === 0) return path;
  const target = names[replace.index % names.length];
  const template = op.path.replace(`{${target}}`, percentEncode(replace.value));
  return concretePath({ ...op, path: template }, record);
};

/** Counterexamples print as a short summary: a 300 kB body would drown the report. */
const summarised = (req: FuzzRequest): FuzzRequest =>
  Object.assign(req, {
    [fc.toStringMethod]: () => {
      const body = req.body === undefined ? 'no body' : `${req.body.length} chars: ${JSON.stringify(req.body.slice(0, 160))}${req.body.length > 160 ? '…' : ''}`;
      return `${req.kind} request (${body}${req.contentType ? `, ${req.contentType}` : ''}${req.query ? `, query ${JSON.stringify(req.query.slice(0, 160))}` : ''}${req.ifMatch !== undefined ? `, If-Match ${JSON.stringify(req.ifMatch)}` : ''}${req.pathParam ? `, path parameter ${req.pathParam.index} = ${JSON.stringify(req.pathParam.value)}` : ''})`;
    },
  });

/** The requests to try on one call. */
function requestsFor(op: Operation, valid: unknown, query: Record<string, string>): fc.Arbitrary<FuzzRequest> {
  const pathParam = fc.option(fc.record({ index: fc.nat(), value: nastyString }), { freq: 8 });
  const queryNames = op.parameters.filter((p) => p.in === 'query').map((p) => p.name);
  if (!op.body) {
    return fc.record({ query: queryFor(queryNames, query), pathParam }).map(({ query: q, pathParam: p }) => summarised({ kind: 'query', query: q, ...(p ? { pathParam: p } : {}) }));
  }
  const body = fc.oneof(
    { weight: 6, arbitrary: mutatedBody(valid).map((b) => ({ kind: 'mutated', body: JSON.stringify(b) as string | undefined })) },
    { weight: 2, arbitrary: randomJson.map((b) => ({ kind: 'random', body: JSON.stringify(b) as string | undefined })) },
    { weight: 1, arbitrary: rawBody.map((r) => ({ kind: 'raw', ...r })) },
  );
  return fc.record({ body, ifMatch, pathParam }).map(({ body: b, ifMatch: m, pathParam: p }) => summarised({ ...b, ...(m !== null ? { ifMatch: m } : {}), ...(p ? { pathParam: p } : {}) }));
}

describe('fuzzing every call of the OpenAPI document that takes a body or query parameters', () => {
  let hub: TestHub;
  let world: World;
  let doc: OpenApiDocument;
  let record: PersonRecord;
  const fuzzable: string[] = [];
  const outcomes = new Map<string, Map<number, number>>();

  const lastPosition = async (): Promise<number> => (await hub.runtime.store.readAll({ direction: 'backwards', maxCount: 1 }))[0]?.position ?? 0;

  async function send(op: Operation, caller: CallerLabel, req: FuzzRequest): Promise<RawResponse> {
    const path = withPathParam(op, record, req.pathParam) + (req.query ?? (op.body ? '' : queryString(validQuery(op, record))));
    return rawCall(hub.url, op.method, path, world.callers[caller].token, req.body, {
      contentType: req.contentType,
      headers: req.ifMatch === undefined ? {} : { 'if-match': req.ifMatch },
      streamMs: 50,
    });
  }

  beforeAll(async () => {
    hub = await TestHub.start();
    world = await buildWorld(hub);
    doc = await fetchOpenApi(hub.url);
    record = await recordPerson(world);
    for (const op of operationsOf(doc)) if (op.body || op.parameters.some((p) => p.in === 'query')) fuzzable.push(op.key);
  });

  afterAll(async () => {
    const lines = [...outcomes].map(([key, counts]) => `${key.padEnd(58)} ${[...counts].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ')}`);
    console.log(`Fuzzing: ${RUNS} runs per call; statuses seen:\n${lines.join('\n')}`);
    await hub.close();
  });

  it('finds calls to fuzz in the document', () => {
    expect(fuzzable.length).toBeGreaterThanOrEqual(10);
  });

  it('never answers 5xx, always explains a refusal with a JSON error.code, and writes nothing when it refuses', async () => {
    for (const key of fuzzable) {
      const op = operationsOf(doc).find((o) => o.key === key)!;
      const valid = op.body ? validBody(doc, op, record) : undefined;
      const query = validQuery(op, record);
      const caller = await allowedCaller(world, doc, op, await recordPerson(world));
      expect([key, caller !== undefined]).toEqual([key, true]);
      const counts = new Map<number, number>();
      outcomes.set(key, counts);
      await fc.assert(
        fc.asyncProperty(requestsFor(op, valid, query), async (req) => {
          const before = await lastPosition();
          const res = await send(op, caller!, req);
          counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
          const where = `${key} as ${caller} (${req.kind}) → ${res.status} ${res.text.slice(0, 300)}`;
          if (res.status >= 500) throw new Error(`5xx: ${where}`);
          if (res.status >= 400) {
            let code: unknown;
            try {
              code = JSON.parse(res.text)?.error?.code;
            } catch {
              code = undefined;
            }
            if (typeof code !== 'string') throw new Error(`refusal without a JSON error.code: ${where}`);
            if ((await lastPosition()) !== before) throw new Error(`refused but wrote: ${where}`);
          }
        }),
        { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
      );
    }
    expect(await hub.runtime.publisher!.waitFor(await lastPosition(), 30_000)).toBe(true);
  }, Math.max(120_000, RUNS * 400 * 16));
});

import { TestHub } from '../support/hub-harness';
import { storedEvents } from '../support/fixtures';
import { exampleOf, fetchOpenApi, OpenApiDocument, Operation, operationsOf, resolve, Schema } from './openapi';
import { allowedCaller, buildWorld, CallerLabel, concretePath, PersonRecord, rawCall, RawResponse, recordPerson, validBody, World } from './world';

/**
 * Body limits on every call that takes a body: 256 kB (413 `request.too-large`), 32 levels of
 * nesting (400 `request.too-deep`, checked before validation), and arrays bounded by their
 * DTOs (a 100,000-element array is a 400 naming the field).
 */
const MAX_BYTES = 256 * 1024;
const MAX_DEPTH = 32;

type Path = Array<string | number>;

/** `depth` levels of nesting in total, counting the outer object: `{"extra":[[...]]}`. */
const nestedBody = (depth: number): string => `{"extra":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;

/** Paths of every array property a body schema has (through nested objects and arrays of objects). */
function arrayPaths(doc: OpenApiDocument, schema: Schema | undefined, prefix: Path = [], seen = new Set<Schema>()): Path[] {
  const s = resolve(doc, schema);
  if (seen.has(s)) return [];
  seen.add(s);
  return Object.entries(s.properties ?? {}).flatMap(([name, property]) => {
    const p = resolve(doc, property);
    if (p.type === 'array') {
      const items = resolve(doc, p.items);
      return [[...prefix, name], ...(items.properties ? arrayPaths(doc, items, [...prefix, name, 0], new Set(seen)) : [])];
    }
    return p.properties ? arrayPaths(doc, p, [...prefix, name], new Set(seen)) : [];
  });
}

/** Paths of every object a body schema has: object-valued properties, elements of arrays of objects, and those nested in them. */
function objectPaths(doc: OpenApiDocument, schema: Schema | undefined, prefix: Path = [], seen = new Set<Schema>()): Path[] {
  const s = resolve(doc, schema);
  if (seen.has(s)) return [];
  seen.add(s);
  return Object.entries(s.properties ?? {}).flatMap(([name, property]) => {
    const p = resolve(doc, property);
    if (p.type === 'array') return resolve(doc, p.items).properties ? [[...prefix, name, 0], ...objectPaths(doc, p.items, [...prefix, name, 0], new Set(seen))] : [];
    return p.properties ? [[...prefix, name], ...objectPaths(doc, p, [...prefix, name], new Set(seen))] : [];
  });
}

/** The value at `path`, if any. */
const valueAt = (body: unknown, path: Path): unknown => path.reduce<any>((node, key) => node?.[key], body);

/** Puts `value` at `path` in `body`, creating the objects and arrays on the way. */
function setPath(body: Record<string, unknown>, path: Path, value: unknown): Record<string, unknown> {
  let node: any = body;
  path.slice(0, -1).forEach((key, i) => {
    if (node[key] === null || typeof node[key] !== 'object') node[key] = typeof path[i + 1] === 'number' ? [] : {};
    node = node[key];
  });
  node[path[path.length - 1]] = value;
  return body;
}

/** The schema of the property at `path` (array indices step into `items`). */
function schemaAt(doc: OpenApiDocument, schema: Schema | undefined, path: Path): Schema {
  return path.reduce<Schema>((s, key) => {
    const r = resolve(doc, s);
    return typeof key === 'number' ? resolve(doc, r.items) : resolve(doc, r.properties?.[key]);
  }, resolve(doc, schema));
}

/** How the validation error names a field: `grants[0].categories`. */
const fieldName = (path: Path): string => path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');

describe('request body limits on every call that takes a body', () => {
  let hub: TestHub;
  let world: World;
  let doc: OpenApiDocument;
  let record: PersonRecord;
  let withBodies: Operation[];
  const callers = new Map<string, CallerLabel>();

  async function send(op: Operation, body: unknown): Promise<RawResponse> {
    return rawCall(hub.url, op.method, concretePath(op, record), world.callers[callers.get(op.key) ?? 'cw-A'].token, body);
  }

  beforeAll(async () => {
    hub = await TestHub.start({ publisher: false });
    world = await buildWorld(hub);
    doc = await fetchOpenApi(hub.url);
    record = await recordPerson(world);
    withBodies = operationsOf(doc).filter((o) => o.body);
    const probed = await recordPerson(world);
    for (const op of withBodies) callers.set(op.key, (await allowedCaller(world, doc, op, probed)) ?? 'cw-A');
  });
  afterAll(() => hub.close());

  it('has calls with bodies to check', () => {
    expect(withBodies.length).toBeGreaterThanOrEqual(10);
  });

  it('refuses a body over 256 kB with 413 request.too-large, and records nothing', async () => {
    for (const op of withBodies) {
      const before = await storedEvents(hub);
      const res = await send(op, { extra: 'x'.repeat(MAX_BYTES + 1) });
      expect([op.key, res.status, JSON.parse(res.text).error.code]).toEqual([op.key, 413, 'request.too-large']);
      expect(await storedEvents(hub)).toBe(before);
    }
  });

  it('reads a body just under 256 kB (and refuses it for what it says, not for its size)', async () => {
    for (const op of withBodies) {
      const res = await send(op, { extra: 'x'.repeat(MAX_BYTES - 100) });
      expect([op.key, res.status === 413]).toEqual([op.key, false]);
    }
  });

  it.each([
    [`${MAX_DEPTH + 1} levels`, MAX_DEPTH + 1],
    ['10,000 levels (which overflowed the stack of the validation: 500)', 10_000],
    ['100,000 levels', 100_000],
  ])('refuses a body nested %s deep with 400 request.too-deep, and records nothing', async (_, depth) => {
    for (const op of withBodies) {
      const before = await storedEvents(hub);
      const res = await send(op, nestedBody(depth));
      expect([op.key, res.status, JSON.parse(res.text).error.code]).toEqual([op.key, 400, 'request.too-deep']);
      expect(await storedEvents(hub)).toBe(before);
    }
  });

  it(`lets a body nested exactly ${MAX_DEPTH} levels deep through to validation`, async () => {
    for (const op of withBodies) {
      const res = await send(op, nestedBody(MAX_DEPTH));
      expect([op.key, JSON.parse(res.text).error.code]).toEqual([op.key, 'validation.failed']);
    }
  });

  it('refuses an array where a body has an object, or an element of an array of objects (the handler would read fields of an array: 500), with a 400 naming the field, and records nothing', async () => {
    const checked: string[] = [];
    for (const op of withBodies) {
      for (const path of objectPaths(doc, op.body)) {
        const valid = (validBody(doc, op, record) ?? {}) as Record<string, unknown>;
        const body = setPath(structuredClone(valid), path, [valueAt(valid, path) ?? exampleOf(doc, schemaAt(doc, op.body, path))]);
        const before = await storedEvents(hub);
        const res = await send(op, body);
        const error = JSON.parse(res.text).error;
        const blamed = typeof path[path.length - 1] === 'number' ? fieldName(path.slice(0, -1)) : fieldName(path);
        expect([op.key, fieldName(path), res.status, error.code, Object.keys(error.fields ?? {})]).toEqual([op.key, fieldName(path), 400, 'validation.failed', expect.arrayContaining([blamed])]);
        expect(await storedEvents(hub)).toBe(before);
        checked.push(`${op.key} ${fieldName(path)}`);
      }
    }
    expect(checked.length).toBeGreaterThanOrEqual(10);
  });

  it('takes null where a body has an object as absent or refuses it, never with a 5xx (a null need entry was read as an object: 500)', async () => {
    for (const op of withBodies) {
      for (const path of objectPaths(doc, op.body).filter((p) => typeof p[p.length - 1] !== 'number')) {
        const body = setPath(structuredClone((validBody(doc, op, record) ?? {}) as Record<string, unknown>), path, null);
        const res = await send(op, body);
        expect([op.key, fieldName(path), res.status < 500]).toEqual([op.key, fieldName(path), true]);
      }
    }
    const assessment = withBodies.find((o) => o.key === 'POST /v1/people/{personId}/assessments')!;
    expect((await send(assessment, { needs: { accommodation: null, finances: { level: 'low', summary: 'Benefits restored' } } })).status).toBe(201);
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', '..', '%2e%2e', '%00', '%E0%A4%A'])('takes the path parameter %s in every call without a 5xx, any refusal with a JSON error.code (an action named __proto__ was looked up on the prototype: 500)', async (value) => {
    for (const op of operationsOf(doc).filter((o) => o.path.includes('{'))) {
      const names = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const name of names) {
        const path = concretePath({ ...op, path: op.path.replace(`{${name}}`, value) }, record);
        const res = await rawCall(hub.url, op.method, path, world.callers[callers.get(op.key) ?? 'cw-A'].token, op.body ? validBody(doc, op, record) : undefined, { streamMs: 50 });
        expect([op.key, name, res.status < 500]).toEqual([op.key, name, true]);
        if (res.status >= 400) expect([op.key, name, typeof JSON.parse(res.text)?.error?.code]).toEqual([op.key, name, 'string']);
      }
    }
  });

  it.each([
    ['100,000 elements (refused before class-transformer copies them)', 100_000],
    ['1,000 elements, the most any call takes (refused by the DTO)', 1_000],
  ])('refuses an array of %s in every array field of every body with a 400 naming the field (and no flood of errors back), and records nothing', async (_, length) => {
    const checked: string[] = [];
    for (const op of withBodies) {
      for (const path of arrayPaths(doc, op.body)) {
        const body = setPath(structuredClone((validBody(doc, op, record) ?? {}) as Record<string, unknown>), path, Array(length).fill(0));
        const before = await storedEvents(hub);
        const res = await send(op, body);
        const error = JSON.parse(res.text).error;
        expect([op.key, fieldName(path), res.status, error.code]).toEqual([op.key, fieldName(path), 400, 'validation.failed']);
        expect([op.key, fieldName(path), error.fields[fieldName(path)]]).toEqual([op.key, fieldName(path), expect.any(String)]);
        if (length > 1_000) expect([op.key, fieldName(path), error.fields[fieldName(path)]]).toEqual([op.key, fieldName(path), 'must contain no more than 1000 elements']);
        expect([op.key, fieldName(path), res.text.length < 128 * 1024]).toEqual([op.key, fieldName(path), true]);
        expect(await storedEvents(hub)).toBe(before);
        checked.push(`${op.key} ${fieldName(path)}`);
      }
    }
    expect(checked.length).toBeGreaterThanOrEqual(10);
  });
});

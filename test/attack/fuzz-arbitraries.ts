import fc from 'fast-check';

/**
 * Request generators for the fuzzer: mutations of a valid body (wrong types, missing fields,
 * extra fields, huge strings, unicode, numbers out of range, nested arrays), random JSON of
 * bounded depth, raw bodies that are not JSON, hostile query strings and `If-Match` headers.
 */

type Json = unknown;
type Path = Array<string | number>;

/** What the fuzzer sends: the body as text (so that non-JSON can be sent too) and its headers. */
export interface FuzzRequest {
  kind: string;
  body?: string;
  contentType?: string;
  query?: string;
  ifMatch?: string;
  /** A path parameter to replace, and its replacement (URL-encoded by the sender). */
  pathParam?: { index: number; value: string };
}

/** Strings that have broken parsers, databases and loggers before. */
const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  '\udfff\ud800',
  '\u202eevil',
  '\ufeffbom',
  'Z̷̢̧a̸̛l̴g̵o̶',
  '🏳️‍🌈👩‍👩‍👧‍👦',
  'Ｆｕｌｌｗｉｄｔｈ',
  "'; DROP TABLE events; --",
  '{{7*7}}${7*7}<%= 7*7 %>',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '%00%2e%2e%2f',
  'null',
  'undefined',
  '__proto__',
  'NaN',
  '-1',
  '1e400',
  '0x10',
  '9999-99-99',
  '2024-02-30',
  '2024-02-29T25:61:61Z',
  'kind:',
  'a'.repeat(257),
];

/** Numbers at and beyond every edge a schema might have. */
const EDGE_NUMBERS = [0, -0, -1, 1.5, -1.5, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 2, -(2 ** 53) - 2, 1e21, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER];

export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...NASTY_STRINGS),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);

const edgeNumber: fc.Arbitrary<number> = fc.oneof(fc.constantFrom(...EDGE_NUMBERS), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer());

/** A value of some other type than the one a field wants. */
const wrongType: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  edgeNumber,
  nastyString,
  fc.constant([]),
  fc.constant({}),
  fc.array(nastyString, { maxLength: 3 }),
  fc.dictionary(nastyString, nastyString, { maxKeys: 3 }),
);

/** Random JSON, bounded in depth. */
export const randomJson: fc.Arbitrary<Json> = fc.jsonValue({ maxDepth: 6, stringUnit: 'binary' });

/** `depth` arrays around `value`. */
const nest = (value: Json, depth: number): Json => {
  let out = value;
  for (let i = 0; i < depth; i += 1) out = [out];
  return out;
};

/** Bodies are kept below this size (a little above the hub's 256 kB limit), so that mutations cannot compound without end. */
const MAX_BODY_CHARS = 400_000;

type Mutation =
  | { op: 'drop' | 'replace'; at: number; value?: Json }
  | { op: 'huge'; at: number; length: number }
  | { op: 'nest'; at: number; depth: number }
  | { op: 'extra'; at: number; key: string; value: Json }
  | { op: 'repeat'; at: number; times: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: fc.oneof(wrongType, randomJson) }),
  fc.record({ op: fc.constant('huge' as const), at: fc.nat(), length: fc.constantFrom(1_000, 5_000, 40_000, 200_000, 300_000) }),
  fc.record({ op: fc.constant('nest' as const), at: fc.nat(), depth: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ op: fc.constant('extra' as const), at: fc.nat(), key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '$where', 'expectedRevision'), nastyString), value: wrongType }),
  fc.record({ op: fc.constant('repeat' as const), at: fc.nat(), times: fc.constantFrom(2, 50, 1_000, 20_000) }),
);

/** Paths in a JSON value, the root (`[]`) first; of a long array only its first few elements. */
function pathsOf(value: Json): Path[] {
  const out: Path[] = [];
  const todo: Array<[Json, Path]> = [[value, []]];
  while (todo.length > 0 && out.length < 2_000) {
    const [node, path] = todo.shift()!;
    out.push(path);
    if (Array.isArray(node)) node.slice(0, 8).forEach((v, i) => todo.push([v, [...path, i]]));
    else if (node !== null && typeof node === 'object') for (const [k, v] of Object.entries(node)) todo.push([v, [...path, k]]);
  }
  return out;
}

/** Sets (or, with `drop`, removes) the value at `path`; own properties only, so `__proto__` stays a plain key. */
function setAt(root: Json, path: Path, value: Json, drop = false): Json {
  if (path.length === 0) return drop ? undefined : value;
  const parent = path.slice(0, -1).reduce<any>((node, key) => node?.[key], root);
  const key = path[path.length - 1];
  if (parent === null || typeof parent !== 'object') return root;
  if (drop) {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else {
    Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return root;
}

function apply(root: Json, m: Mutation): Json {
  const paths = pathsOf(root);
  const path = paths[m.at % paths.length];
  const current = path.reduce<any>((node, key) => node?.[key], root);
  switch (m.op) {
    case 'drop':
      return setAt(root, path, undefined, true);
    case 'replace':
      return setAt(root, path, m.value);
    case 'huge':
      return setAt(root, path, typeof current === 'string' && current.length > 0 ? current.repeat(Math.ceil(m.length / current.length)).slice(0, m.length) : 'x'.repeat(m.length));
    case 'nest':
      return setAt(root, path, nest(current ?? 0, m.depth));
    case 'repeat': {
      const json = JSON.stringify(current) ?? '0';
      const times = Math.max(1, Math.min(m.times, Math.floor(MAX_BODY_CHARS / (json.length + 1))));
      return setAt(root, path, Array.from({ length: times }, () => JSON.parse(json)));
    }
    case 'extra': {
      const objects = paths.filter((p) => {
        const node = p.reduce<any>((n, k) => n?.[k], root);
        return node !== null && typeof node === 'object' && !Array.isArray(node);
      });
      if (objects.length === 0) return root;
      return setAt(root, [...objects[m.at % objects.length], m.key], m.value);
    }
  }
}

/** Whether a body stays below MAX_BODY_CHARS once serialised. */
const small = (body: Json): boolean => (JSON.stringify(body) ?? '').length <= MAX_BODY_CHARS;

/** One to three mutations of `valid`, applied to a fresh copy each time; one that would make the body too big is skipped. */
export const mutatedBody = (valid: Json): fc.Arbitrary<Json> =>
  fc.array(mutation, { minLength: 1, maxLength: 3 }).map((ms) =>
    ms.reduce((body, m) => {
      const next = apply(structuredClone(body), m);
      return small(next) ? next : body;
    }, structuredClone(valid) as Json),
  );

/** Valid JSON nested far deeper than any call needs: arrays and objects, in a field and at the root. */
const DEEP_JSON = [
  `{"name":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
  `{"needs":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
  `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`,
  `[${'{"x":['.repeat(5_000)}${']}'.repeat(5_000)}]`,
];

/** Bodies that are not JSON at all, or JSON of the wrong shape, or too deep, or not labelled as JSON. */
export const rawBody: fc.Arbitrary<Pick<FuzzRequest, 'body' | 'contentType'>> = fc.oneof(
  fc.record({ body: fc.string({ unit: 'binary', maxLength: 200 }), contentType: fc.constant('application/json') }),
  fc.record({ body: fc.constantFrom('', 'null', 'true', '0', '"text"', '[]', '{', '{"a":', '{"a":1,}', "{'a':1}", '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}', '\ufeff{}', '{"a":1}{"b":2}', '[' .repeat(5000)), contentType: fc.constant('application/json') }),
  fc.record({ body: fc.constantFrom(...DEEP_JSON), contentType: fc.constant('application/json') }),
  fc.record({
    body: fc.constantFrom('{}', 'name=x', '<xml/>'),
    contentType: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/merge-patch+json', 'multipart/form-data; boundary=x'),
  }),
);

/** Percent-encodes every UTF-8 byte but the unreserved ones; unlike encodeURIComponent it takes lone surrogates too. */
export const percentEncode = (value: string): string =>
  [...Buffer.from(value, 'utf8')].map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');

/**
 * Query strings: the valid parameters with up to three edits (a documented parameter set to a
 * hostile value, repeated into an array, or dropped), sometimes unknown parameters, sometimes
 * garbage percent-encoding.
 */
export const queryFor = (names: string[], valid: Record<string, string>): fc.Arbitrary<string> => {
  const hostile = fc.oneof(fc.constantFrom('', '1', '1000', '1001', '0', '-1', '1e400', '999999999999999999999', 'NaN', 'true', '2024-01-01', 'x'.repeat(3000)), nastyString);
  const edit = fc.tuple(fc.constantFrom(...(names.length > 0 ? names : ['q'])), fc.option(fc.array(hostile, { minLength: 1, maxLength: 2 }), { freq: 5 }));
  const unknown = fc.array(fc.tuple(fc.constantFrom('unknown', '__proto__', 'constructor', 'a[b]'), fc.array(hostile, { minLength: 1, maxLength: 3 })), { minLength: 1, maxLength: 2 });
  const garbage = fc.constantFrom('', '', '', '', '&%E0%A4%A', '&%', '&=x', '&&&');
  return fc.tuple(fc.array(edit, { maxLength: 3 }), fc.option(unknown, { freq: 4 }), garbage).map(([edits, extra, raw]) => {
    const params = new Map<string, string[]>(Object.entries(valid).map(([k, v]) => [k, [v]]));
    for (const [name, values] of edits) {
      if (values === null) params.delete(name);
      else params.set(name, values);
    }
    const text = [...params, ...(extra ?? [])].flatMap(([k, vs]) => vs.map((v) => `${percentEncode(k)}=${percentEncode(v)}`)).join('&') + raw;
    return text ? `?${text}` : '';
  });
};

/** `If-Match` values (printable ASCII only: anything else the client itself refuses to send). */
export const ifMatch: fc.Arbitrary<string | undefined> = fc.option(
  fc.oneof(fc.constantFrom('"0"', '"-1"', '"-2"', 'W/"1"', '*', '"99999999999999999999999"', '"1e3"', '""', '"9007199254740993"'), fc.string({ unit: 'grapheme-ascii', maxLength: 30 }).filter((s) => /^[\x20-\x7e]*$/.test(s))),
  { freq: 3 },
);

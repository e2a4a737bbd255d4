import fc from 'fast-check';
import { canonicalJson } from './cloud-event';

/** The definition, written plainly: what every signature made so far covers. */
function referenceCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(referenceCanonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${referenceCanonicalJson(v)}`).join(',')}}`;
}

describe('canonicalJson', () => {
  it('writes the same bytes as the plain definition for any JSON value, with undefined members and elements', () => {
    const values = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constant(undefined),
        fc.constant(null),
        fc.boolean(),
        fc.double(),
        fc.integer(),
        fc.string({ unit: 'binary' }),
        fc.array(tie('value'), { maxLength: 5 }),
        fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), tie('value'), { maxKeys: 6 }),
      ),
    })).value;
    fc.assert(fc.property(values, (value) => canonicalJson(value) === referenceCanonicalJson(value)), { numRuns: 2000 });
  });

  it('sorts objects with many keys (past the insertion sort) as the definition does', () => {
    const keys = fc.uniqueArray(fc.string({ unit: 'binary', maxLength: 4 }), { minLength: 30, maxLength: 80 });
    fc.assert(
      fc.property(keys, (names) => {
        const value = Object.fromEntries(names.map((name, i) => [name, i % 7 === 0 ? undefined : { [name]: i }]));
        return canonicalJson(value) === referenceCanonicalJson(value);
      }),
      { numRuns: 300 },
    );
  });

  it('writes strings as JSON.stringify does: quotes, backslashes, control characters and lone surrogates escaped', () => {
    for (const text of ['plain', '', 'say "hi"', 'back\\slash', 'tab\there', '\u0000\u001f', 'line\u2028sep', 'pair \u{1F600}', 'lone \ud800', 'lone \udfff end', 'é – ü']) {
      expect(canonicalJson(text)).toBe(JSON.stringify(text));
      expect(canonicalJson({ [text]: [text] })).toBe(`{${JSON.stringify(text)}:[${JSON.stringify(text)}]}`);
    }
  });

  it('sorts keys at every level by UTF-16 code units and leaves out undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: null, y: undefined }], c: 'é' }, B: true, '\u{1F600}': 0, '\uFFFF': 1 })).toBe(
      '{"B":true,"a":{"c":"é","d":[2,{"z":null}]},"b":1,"\u{1F600}":0,"\uFFFF":1}',
    );
  });
});

import { shapeViolation } from './json-depth';

const nested = (depth: number): unknown => {
  let value: unknown = 0;
  for (let i = 0; i < depth; i += 1) value = i % 2 ? { a: value } : [value];
  return value;
};

describe('the shape of a request body', () => {
  const limits = { maxDepth: 4, maxArrayElements: 3 };

  it('counts a scalar as depth 0 and each object or array as one level', () => {
    expect(shapeViolation(0, limits)).toBeUndefined();
    expect(shapeViolation(nested(4), limits)).toBeUndefined();
    expect(shapeViolation(nested(5), limits)).toEqual({ kind: 'too-deep' });
  });

  it('finds the deep branch among shallow ones', () => {
    expect(shapeViolation({ a: 1, b: [1, 2], c: { d: nested(4) } }, limits)).toEqual({ kind: 'too-deep' });
  });

  it('measures nesting far beyond what recursion could, without overflowing the stack', () => {
    expect(shapeViolation(JSON.parse(`${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`), { maxDepth: 32, maxArrayElements: 10 })).toEqual({ kind: 'too-deep' });
  });

  it('names an array that is too long by its path, as the validation errors do', () => {
    expect(shapeViolation({ grants: [{ categories: [1, 2, 3] }, { categories: [1, 2, 3, 4] }] }, limits)).toEqual({ kind: 'too-long', path: 'grants[1].categories' });
    expect(shapeViolation([1, 2, 3, 4], limits)).toEqual({ kind: 'too-long', path: '(body)' });
  });

  it('accepts what the limits allow', () => {
    expect(shapeViolation({ a: [1, 2, 3], b: { c: [{ d: 1 }] } }, limits)).toBeUndefined();
  });
});

import type { NextFunction, Request, Response } from 'express';
import { HubError, ValidationError } from '@onestop/domain';

/**
 * The deepest nesting of objects and arrays a request body may have. The deepest body of the
 * contract is four levels (an agreement's grants' categories); anything far deeper is an attack
 * on the recursive code after parsing (class-transformer, class-validator, JSON.stringify),
 * which would otherwise exhaust the stack and answer 500.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * The longest array a request body may hold, whatever its field: the largest any DTO allows
 * (`retractionIds`, 1,000). The DTOs bound each array more tightly, but only after
 * class-transformer has copied every element: 100,000 elements cost it a third of a second.
 */
export const MAX_ARRAY_ELEMENTS = 1000;

/** The body nests objects and arrays deeper than the hub allows (HTTP 400). */
export class RequestTooDeepError extends HubError {
  constructor(limit: number) {
    super('request.too-deep', `the body nests objects and arrays deeper than ${limit} levels`, { limit });
  }
}

export interface JsonShapeLimits {
  maxDepth: number;
  maxArrayElements: number;
}

/** What is wrong with a body's shape: too deep, or an array too long (and where, as `a.b[0].c`). */
export type ShapeViolation = { kind: 'too-deep' } | { kind: 'too-long'; path: string };

const pathOf = (parent: string, key: string | number): string => (typeof key === 'number' ? `${parent}[${key}]` : parent ? `${parent}.${key}` : key);

/**
 * The first way `value` breaks `limits` (a scalar is depth 0, `{}` and `[]` are depth 1), or
 * undefined. Iterative, so any depth the JSON parser accepted can be measured, and it stops at
 * the first violation.
 */
export function shapeViolation(value: unknown, limits: JsonShapeLimits): ShapeViolation | undefined {
  const stack: Array<[node: object, depth: number, path: string]> = [];
  if (value !== null && typeof value === 'object') stack.push([value, 1, '']);
  while (stack.length > 0) {
    const [node, depth, path] = stack.pop()!;
    if (depth > limits.maxDepth) return { kind: 'too-deep' };
    if (Array.isArray(node) && node.length > limits.maxArrayElements) return { kind: 'too-long', path: path || '(body)' };
    const entries: Array<[string | number, unknown]> = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
    for (const [key, child] of entries) if (child !== null && typeof child === 'object') stack.push([child, depth + 1, pathOf(path, key)]);
  }
  return undefined;
}

/**
 * Express middleware, mounted after the JSON body parser and before validation: a body nested
 * deeper than `maxDepth` is refused with 400 `request.too-deep`; one holding an array longer
 * than `maxArrayElements` with 400 `validation.failed` naming the field.
 */
export function jsonShapeLimit(limits: JsonShapeLimits = { maxDepth: MAX_JSON_DEPTH, maxArrayElements: MAX_ARRAY_ELEMENTS }) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const violation = shapeViolation(req.body, limits);
    if (!violation) return next();
    next(violation.kind === 'too-deep' ? new RequestTooDeepError(limits.maxDepth) : new ValidationError({ [violation.path]: `must contain no more than ${limits.maxArrayElements} elements` }));
  };
}

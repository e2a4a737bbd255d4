import { randomUUID } from 'node:crypto';

/** Reading the hub's own OpenAPI document: the list of calls the attack suite enumerates. */

export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> }; security?: unknown[] }>>;
  components?: { schemas?: Record<string, Schema> };
}

/** One documented call: `POST /v1/people` and what it takes. */
export interface Operation {
  key: string;
  method: string;
  path: string;
  parameters: Parameter[];
  body?: Schema;
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

/** Every call the document lists, in document order. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        body: op.requestBody?.content?.['application/json']?.schema,
      })),
  );
}

/** Follows `$ref`s (and merges `allOf`) until a concrete schema is left. */
export function resolve(doc: OpenApiDocument, schema: Schema | undefined): Schema {
  let s = schema ?? {};
  for (let hops = 0; s.$ref && hops < 20; hops += 1) s = doc.components?.schemas?.[s.$ref.split('/').pop()!] ?? {};
  if (s.allOf) {
    const parts = s.allOf.map((p) => resolve(doc, p));
    return {
      type: 'object',
      properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
      required: parts.flatMap((p) => p.required ?? []),
    };
  }
  return s;
}

/**
 * A plausible value for a schema: its example, else its first enum value or default, else one
 * made from its type and format. Objects get their required properties only. Good enough to pass
 * validation for most calls; the suite's per-call bodies cover the rest.
 */
export function exampleOf(doc: OpenApiDocument, schema: Schema | undefined, depth = 0): unknown {
  const s = resolve(doc, schema);
  if (s.example !== undefined) return s.example;
  if (s.enum?.length) return s.enum[0];
  if (s.default !== undefined) return s.default;
  if (depth > 8) return null;
  const alternative = s.oneOf?.[0] ?? s.anyOf?.[0];
  if (alternative) return exampleOf(doc, alternative, depth + 1);
  switch (s.type ?? (s.properties ? 'object' : undefined)) {
    case 'object':
      return Object.fromEntries((s.required ?? []).map((name) => [name, exampleOf(doc, s.properties?.[name], depth + 1)]));
    case 'array':
      return Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => exampleOf(doc, s.items, depth + 1));
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return false;
    case 'string':
      return s.format === 'uuid' ? randomUUID() : s.format === 'date-time' ? new Date().toISOString() : s.format === 'date' ? '2000-01-01' : 'example';
    default:
      return {};
  }
}

/** Fetches the document a running hub serves. */
export async function fetchOpenApi(baseUrl: string): Promise<OpenApiDocument> {
  const res = await fetch(`${baseUrl}/docs/openapi.json`);
  if (res.status !== 200) throw new Error(`GET /docs/openapi.json answered ${res.status}`);
  return (await res.json()) as OpenApiDocument;
}

import type { OpenAPIObject } from '@nestjs/swagger';

type Operation = {
  responses: Record<string, { description: string; content?: Record<string, { schema: Record<string, unknown> }> }>;
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> };
  security?: unknown[];
};

/** The body of every refusal: `{ error: { code, message, ... } }`. */
const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable and machine-readable: `validation.failed`, `stream.version-conflict`, `person.not-found`, `policy.denied`, …', example: 'validation.failed' },
        message: { type: 'string', description: 'For people; never holds personal data.' },
        fields: { type: 'object', additionalProperties: { type: 'string' }, description: '`validation.failed`: each bad field or parameter, with why.', example: { dateOfBirth: 'dateOfBirth must be a date YYYY-MM-DD that exists, from 1900 to today' } },
        actualRevision: { type: 'integer', description: '`stream.version-conflict`: the revision the record is at.' },
      },
    },
  },
};

const ID_PARAMS = new Set(['personId', 'consentId', 'referralId', 'grantId', 'agreementId', 'agencyId']);

/**
 * Documents the answers of every call beside its success: which refusals it can give (400, 401,
 * 403, 404, 409, 410, 413, 415, 422, 429), each with the error body every refusal shares, so an
 * integrator sees in the OpenAPI page what each call can answer, not only its happy path.
 */
export function describeResponses(document: OpenAPIObject): OpenAPIObject {
  document.components ??= {};
  document.components.schemas ??= {};
  document.components.schemas.Error = ERROR_SCHEMA;
  const refusal = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, value] of Object.entries(item)) {
      if (!['get', 'put', 'post', 'delete', 'patch'].includes(method)) continue;
      const op = value as Operation;
      for (const [status, response] of Object.entries(op.responses)) {
        if (response.description === '') response.description = status === '201' ? 'Created' : 'OK';
      }
      if (method === 'put' && path === '/v1/agencies/{agencyId}') {
        op.responses['200'].description = 'Replaced (or unchanged): the registration\'s revision';
        op.responses['201'] = { description: 'Registered: a new agency' };
      }
      const params = op.parameters ?? [];
      const bodySchema = op.requestBody?.content?.['application/json']?.schema?.$ref?.split('/').pop();
      const revisioned = params.some((p) => p.name.toLowerCase() === 'if-match') || (bodySchema !== undefined && 'expectedRevision' in ((document.components.schemas[bodySchema] as { properties?: object })?.properties ?? {}));
      if (params.length > 0 || op.requestBody) op.responses['400'] ??= refusal('A bad field or parameter: `error.fields` names each one (or the body is not JSON, or nests too deep)');
      if (op.security) {
        op.responses['401'] ??= refusal('No bearer token, or one the hub does not accept (signature, algorithm, issuer, audience, expiry)');
        op.responses['403'] ??= refusal(path === '/v1/referrals' && method === 'post' ? "The caller's role may not make this call, or the receiving agency may not receive the referral now (`policy.denied`)" : "The caller's role or agency may not make this call");
        op.responses['429'] ??= refusal('Too many requests from this caller: wait for `Retry-After` seconds');
      }
      if (params.some((p) => p.in === 'path' && ID_PARAMS.has(p.name)) && method !== 'put') op.responses['404'] ??= refusal('No such record, or none the caller\'s agency may know of');
      if (revisioned) op.responses['409'] ??= refusal('A stale `If-Match` or `expectedRevision`: `error.actualRevision` is the current one; nothing was recorded');
      if (path.startsWith('/v1/people/{personId}')) op.responses['410'] ??= refusal('The person was erased');
      if (op.requestBody) {
        op.responses['413'] ??= refusal('The body is over 256 kB');
        op.responses['415'] ??= refusal('The body was not sent as `Content-Type: application/json`');
      }
      if (method === 'post' && (/\/consents/.test(path) || path.startsWith('/v1/referrals/{referralId}') || /break-glass/.test(path))) {
        op.responses['422'] ??= refusal('Not possible in the record\'s current state (a consent already withdrawn, a step the referral cannot take now): `error.code` says which');
      }
    }
  }
  return document;
}

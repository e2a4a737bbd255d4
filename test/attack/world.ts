import { randomBytes, randomUUID } from 'node:crypto';
import type { Role } from '@onestop/domain';
import { Issuer, TestHub } from '../support/hub-harness';
import { agreementBody, consentBody, startPartnership } from '../support/fixtures';
import { exampleOf, OpenApiDocument, Operation } from './openapi';

/**
 * The world the access matrix and the fuzzer act in: the standard partnership of the foundation
 * tests, in which agency A (housing) records people and agency B (the police) has no grant at
 * all, and every role of both agencies plus the bootstrap administrator holds a token.
 */

export const AGENCY_A = 'housing';
export const AGENCY_B = 'police';

/** Who calls: a role at agency A or B, or the partnership administrator. */
export interface Caller {
  label: string;
  agency: string;
  role: Role;
  token: string;
}

/** Matrix column order: caseworker, DPO and system of A and of B, then the administrator. */
export const CALLER_LABELS = ['cw-A', 'cw-B', 'dpo-A', 'dpo-B', 'sys-A', 'sys-B', 'admin'] as const;
export type CallerLabel = (typeof CALLER_LABELS)[number];

export interface World {
  hub: TestHub;
  callers: Record<CallerLabel, Caller>;
}

/** One person recorded by A, with a consent, an assessment, a check-in and an outgoing referral, all full of sentinels. */
export interface PersonRecord {
  personId: string;
  consentId: string;
  referralId: string;
  /** Strings that occur only in this person's data: a response to B containing any of them is a leak. */
  sentinels: string[];
}

export async function buildWorld(hub: TestHub): Promise<World> {
  const p = await startPartnership(hub);
  const issuers: Record<string, Issuer> = { [AGENCY_A]: p.housing, [AGENCY_B]: p.police };
  const callers = {} as Record<CallerLabel, Caller>;
  for (const [side, agency] of [['A', AGENCY_A], ['B', AGENCY_B]] as const) {
    for (const [prefix, role] of [['cw', 'caseworker'], ['dpo', 'dpo'], ['sys', 'system']] as const) {
      callers[`${prefix}-${side}` as CallerLabel] = { label: `${prefix}-${side}`, agency, role, token: await issuers[agency].token([role], {}, '1h') };
    }
  }
  callers.admin = { label: 'admin', agency: 'partnership', role: 'admin', token: await hub.admin.token(['admin'], {}, '1h') };
  return { hub, callers };
}

const tag = (): string => randomBytes(5).toString('hex').toUpperCase();

/** The sentinel name every person of the world shares (so the name search finds them). */
export const SENTINEL_NAME = `Zebedee Quartermain-${tag()}`;
export const SENTINEL_DOB = '1931-02-27';

async function ok(world: World, method: string, path: string, token: string, body: unknown, status: number) {
  const res = await world.hub.request(method, path, token, body);
  if (res.status !== status) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Records a person as A's caseworker, with data in every place a leak could come from. */
export async function recordPerson(world: World): Promise<PersonRecord> {
  const t = tag();
  const s = {
    policeRef: `PREF-${t}`,
    councilRef: `CREF-${t}`,
    address: `1 Sentinel Row ${t}`,
    email: `zq-${t.toLowerCase()}@example.org`,
    summary: `SENTINEL-SUMMARY-${t}`,
    details: `SENTINEL-DETAILS-${t}`,
    note: `SENTINEL-NOTE-${t}`,
    reason: `SENTINEL-REASON-${t}`,
    evidence: `SENTINEL-EVIDENCE-${t}`,
  };
  const token = world.callers['cw-A'].token;
  const { personId } = await ok(world, 'POST', '/v1/people', token, {
    name: SENTINEL_NAME,
    dateOfBirth: SENTINEL_DOB,
    identifiers: { policeRef: s.policeRef, councilRef: s.councilRef },
    contact: { address: s.address, email: s.email },
  }, 201);
  // The consent covers sms for referrals too: a referral is raised only to an agency that may receive it.
  const { consentId } = await ok(world, 'POST', `/v1/people/${personId}/consents`, token, consentBody({ evidenceRef: s.evidence, categories: ['identity', 'substance-use', 'referral'] }), 201);
  const needs = { accommodation: { level: 'high', summary: s.summary, details: s.details }, 'mental-health': { level: 'crisis', summary: s.summary } };
  await ok(world, 'POST', `/v1/people/${personId}/assessments`, token, { needs }, 201);
  await ok(world, 'POST', `/v1/people/${personId}/check-ins`, token, { changes: needs, note: s.note }, 201);
  const { referralId } = await ok(world, 'POST', '/v1/referrals', token, { personId, toAgency: 'sms', service: 'detox', urgency: 'routine', reason: s.reason }, 201);
  return { personId, consentId, referralId, sentinels: [SENTINEL_NAME, SENTINEL_DOB, ...Object.values(s)] };
}

let agencies = 0;

/**
 * A valid body for each known call, acting on `record`. Calls the suite does not know get the
 * example the OpenAPI document implies.
 */
export function validBody(doc: OpenApiDocument, op: Operation, record: PersonRecord): unknown {
  switch (op.key) {
    case 'PUT /v1/agencies/{agencyId}':
      agencies += 1;
      return { name: 'Matrix charity', kind: 'charity', issuer: `https://idp.matrix-${agencies}-${tag()}.test`, jwks: { keys: [MATRIX_KEY] } };
    case 'PUT /v1/agreements/{agreementId}':
      return agreementBody({ title: 'Matrix ISP', parties: ['housing', 'sms'], grants: [{ recipient: 'sms', categories: ['identity'], purposes: ['referral'], basis: 'consent', consentRequired: true }] });
    case 'POST /v1/people':
      return { name: `Matrix Newcomer ${tag()}`, dateOfBirth: '1999-09-09' };
    case 'POST /v1/people/{personId}/consents':
      return consentBody();
    case 'POST /v1/people/{personId}/consents/{consentId}/withdraw':
      return {};
    case 'POST /v1/people/{personId}/assessments':
      return { needs: { accommodation: { level: 'medium', summary: 'Reassessed' } } };
    case 'POST /v1/people/{personId}/check-ins':
      return { changes: { finances: { level: 'low', summary: 'Benefits restored' } }, note: 'Weekly check-in' };
    case 'POST /v1/referrals':
      return { personId: record.personId, toAgency: 'sms', service: 'detox', urgency: 'same-day', reason: 'Asked for help' };
    case 'POST /v1/referrals/{referralId}/{action}':
      return { reason: 'No longer needed' };
    case 'POST /v1/feed/acks':
      return { retractionIds: [randomUUID()] };
    case 'POST /v1/audit/verify':
      return { checkpoint: { payload: 'not-a-checkpoint', signature: 'none' } };
    case 'POST /v1/people/{personId}/break-glass':
      return { reason: 'Found unconscious at the bus station; needs history now', minutes: 30 };
    case 'POST /v1/audit/break-glass/{grantId}/review':
      return { outcome: 'justified', note: 'Reviewed' };
    case 'POST /v1/people/{personId}/erasure':
      return { reference: 'DPO-2025-014' };
    default:
      return op.body ? exampleOf(doc, op.body) : undefined;
  }
}

/** The public half of the ES256 example key of RFC 7515 (A.3), for registering agencies that never sign. */
export const MATRIX_KEY = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'matrix-1' };

/** The path with its parameters filled in for `record` (unknown parameters get a fresh UUID). */
export function concretePath(op: Operation, record: PersonRecord, action = 'withdraw'): string {
  const values: Record<string, string> = {
    personId: record.personId,
    consentId: record.consentId,
    referralId: record.referralId,
    agencyId: 'matrix-agency',
    agreementId: 'matrix-agreement',
    action,
  };
  return op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? randomUUID()));
}

/** Query parameters for each known call that make it find `record`. */
export function validQuery(op: Operation, record?: PersonRecord): Record<string, string> {
  switch (op.key) {
    case 'GET /v1/audit/explain':
      return { personId: record?.personId ?? randomUUID(), agencyId: AGENCY_A, at: new Date().toISOString() };
    case 'GET /v1/audit/records':
      return record ? { personId: record.personId } : {};
    case 'GET /v1/audit/disclosures.csv':
      return { agencyId: AGENCY_A, from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' };
    case 'GET /v1/people':
      return { name: SENTINEL_NAME, dob: SENTINEL_DOB };
    case 'GET /v1/referrals':
      return { toAgency: 'sms' };
    case 'GET /v1/feed':
      return { limit: '1000' };
    default:
      return Object.fromEntries(op.parameters.filter((p) => p.in === 'query' && p.required).map((p) => [p.name, String(p.schema?.example ?? p.schema?.enum?.[0] ?? 'x')]));
  }
}

/**
 * The first caller (caseworker, system, DPO of A, then the administrator) that `op` with a valid
 * body does not refuse with 401/403. The probes are real calls: give it a record that may be
 * changed, even erased.
 */
export async function allowedCaller(world: World, doc: OpenApiDocument, op: Operation, record: PersonRecord): Promise<CallerLabel | undefined> {
  for (const caller of ['cw-A', 'sys-A', 'dpo-A', 'admin'] as const) {
    const body = op.body ? validBody(doc, op, record) : undefined;
    const res = await rawCall(world.hub.url, op.method, concretePath(op, record) + queryString(validQuery(op, record)), world.callers[caller].token, body, { streamMs: 50 });
    if (res.status !== 401 && res.status !== 403) return caller;
  }
  return undefined;
}

/** What came back from a call: the status and the body exactly as sent. */
export interface RawResponse {
  status: number;
  text: string;
  contentType: string;
  headers: Headers;
}

/**
 * Makes a call and reads the whole body as text; a server-sent event stream is read for
 * `streamMs` and then dropped.
 */
export async function rawCall(baseUrl: string, method: string, pathAndQuery: string, token: string | undefined, body?: unknown, options: { streamMs?: number; headers?: Record<string, string>; contentType?: string } = {}): Promise<RawResponse> {
  const abort = new AbortController();
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(baseUrl + pathAndQuery, {
    method,
    signal: abort.signal,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(payload !== undefined ? { 'content-type': options.contentType ?? 'application/json' } : {}),
      ...options.headers,
    },
    body: payload,
  });
  const contentType = res.headers.get('content-type') ?? '';
  if (!contentType.startsWith('text/event-stream')) return { status: res.status, text: await res.text(), contentType, headers: res.headers };
  let text = '';
  const reader = res.body!.getReader();
  const stop = setTimeout(() => abort.abort(), options.streamMs ?? 400);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString('utf8');
    }
  } catch {
    /* aborted: the stream stays open by design */
  } finally {
    clearTimeout(stop);
  }
  return { status: res.status, text, contentType, headers: res.headers };
}

/** `?a=1&b=2`, or nothing. */
export const queryString = (query: Record<string, string | string[]>): string => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) for (const one of [v].flat()) params.append(k, one);
  const text = params.toString();
  return text ? `?${text}` : '';
};

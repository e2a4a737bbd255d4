/**
 * A message to an agency: a CloudEvents 1.0 JSON event. `id` is the hub's event id (or a
 * deterministic id for retractions), so redelivery carries the same id and consumers dedupe.
 * `subject` is the agency's pseudonym for the person. `data` is already filtered by the
 * sharing decision. The extensions name what permitted it; `signature` is a detached JWS
 * (EdDSA, key in the hub's `/.well-known/jwks.json`) over the canonical JSON of every other
 * attribute.
 */
export interface HubCloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: Record<string, unknown>;
  /**
   * The agreement whose grant permitted most of the data (`own-record` for the agency's own;
   * `referral-party` for a referral's progress sent to the agency that raised it).
   */
  agreementid: string;
  agreementversion: number;
  grant: number;
  lawfulbasis: string;
  purpose: string;
  /** Present when consent was a condition: the consent relied on. */
  consentid?: string;
  /**
   * Orders one person's messages for an agency (compare as strings): the hub's position of the
   * source event, zero-padded to 16 digits. Earlier records disclosed when consent is given
   * carry the consent's position and a suffix (`<position>.<n>`), so they sort after it.
   */
  sequence: string;
  signature?: string;
}

/** The CloudEvents `type` of retraction messages. */
export const RETRACTION_TYPE = 'onestop.retraction.v1';

/** What a retraction asks the agency to delete. */
export interface RetractionData {
  /** Ids of messages previously delivered to this agency that it must delete. */
  retractedIds: string[];
  reason: 'consent-withdrawn' | 'consent-expired' | 'agreement-changed' | 'person-erased';
  /** The hub event that caused the retraction. */
  causeId: string;
}

/**
 * JSON with object keys sorted at every level and no insignificant whitespace: the bytes a
 * signature covers. Agencies recompute it to verify. Keys are compared by UTF-16 code units (the
 * default `sort`); members whose value is `undefined` are left out.
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'string') return NOTHING_TO_ESCAPE.test(value) ? `"${value}"` : JSON.stringify(value);
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i += 1) {
      if (i > 0) out += ',';
      // JSON.stringify gives undefined for undefined (and functions): an empty element, as `join` writes it.
      out += canonicalJson(value[i]) ?? '';
    }
    return out + ']';
  }
  const object = value as Record<string, unknown>;
  const keys = sortedKeys(object);
  let out = '{';
  for (const key of keys) {
    const member = object[key];
    if (member === undefined) continue;
    if (out.length > 1) out += ',';
    out += quotedKey(key) + canonicalJson(member);
  }
  return out + '}';
}

/** Text that JSON.stringify writes as it is, between quotes: no quote, backslash, control character or surrogate. */
// eslint-disable-next-line no-control-regex -- control characters are what JSON escapes
const NOTHING_TO_ESCAPE = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/** Objects with up to this many keys are sorted by insertion, markedly faster than `sort` for so few. */
const INSERTION_SORT_MAX = 32;

function sortedKeys(object: object): string[] {
  const keys = Object.keys(object);
  if (keys.length > INSERTION_SORT_MAX) return keys.sort();
  for (let i = 1; i < keys.length; i += 1) {
    const key = keys[i];
    let j = i - 1;
    for (; j >= 0 && keys[j] > key; j -= 1) keys[j + 1] = keys[j];
    keys[j + 1] = key;
  }
  return keys;
}

/** `"key":` of the keys met so far (the same few names recur in every message), up to a bound. */
const quotedKeys = new Map<string, string>();
const QUOTED_KEYS_MAX = 1000;

function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = `${JSON.stringify(key)}:`;
    if (quotedKeys.size < QUOTED_KEYS_MAX) quotedKeys.set(key, quoted);
  }
  return quoted;
}

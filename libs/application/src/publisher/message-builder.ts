import { createHash } from 'node:crypto';
import { cloudEventType } from '@onestop/domain';
import { HubCloudEvent, RETRACTION_TYPE, RetractionData } from '@onestop/delivery';
import { Ground, Permit } from '@onestop/policy';
import { OpenedEvent } from '../event-repository';

/** A UUID-shaped id derived from its parts, so a rebuilt or redelivered message keeps its id. */
export function deterministicId(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The CloudEvents type of each hub event type met (a few dozen), worked out once. */
const cloudTypes = new Map<string, string>();

function cloudTypeOf(type: string): string {
  let cloudType = cloudTypes.get(type);
  if (cloudType === undefined) cloudTypes.set(type, (cloudType = cloudEventType(type)));
  return cloudType;
}

/** What the extensions say when no agreement permitted the data: `own-record`, or `referral-party` for a referrer. */
export function groundName(ground: Ground): string {
  if (ground.kind === 'party') return 'referral-party';
  return ground.kind === 'own-record' ? 'own-record' : ground.basis;
}

/** The unsigned CloudEvent for one permitted event. `id` is the hub's event id. */
export function disclosureMessage(source: string, event: OpenedEvent, permit: Permit, pseudonym: string): Omit<HubCloudEvent, 'signature'> {
  const g = permit.primary;
  const message: Omit<HubCloudEvent, 'signature'> = {
    specversion: '1.0',
    id: event.id,
    source,
    type: cloudTypeOf(event.type),
    subject: pseudonym,
    time: event.metadata.occurredAt,
    datacontenttype: 'application/json',
    data: permit.data,
    agreementid: g.kind === 'grant' ? g.agreementId : groundName(g),
    agreementversion: g.kind === 'grant' ? g.version : 0,
    grant: g.kind === 'grant' ? g.grant : 0,
    lawfulbasis: g.kind === 'grant' ? g.basis : groundName(g),
    purpose: permit.purpose,
    sequence: String(event.position).padStart(16, '0'),
  };
  if (g.kind === 'grant' && g.consentId) message.consentid = g.consentId;
  return message;
}

/**
 * The unsigned retraction asking an agency to delete messages it holds about one person. Its id
 * is derived from the cause, the agency and the person's pseudonym: one cause (an agreement
 * change) can retract from the same agency for many people, each in its own message.
 */
export function retractionMessage(
  source: string,
  agencyId: string,
  cause: OpenedEvent,
  pseudonym: string,
  data: RetractionData,
): Omit<HubCloudEvent, 'signature'> {
  return {
    specversion: '1.0',
    id: deterministicId('retraction', cause.id, agencyId, pseudonym),
    source,
    type: RETRACTION_TYPE,
    subject: pseudonym,
    time: cause.metadata.occurredAt,
    datacontenttype: 'application/json',
    data: { ...data },
    agreementid: 'none',
    agreementversion: 0,
    grant: 0,
    lawfulbasis: 'none',
    purpose: 'none',
    sequence: String(cause.position).padStart(16, '0'),
  };
}

/**
 * A message from the hub, as it arrives on `<prefix>.<agency>.events`: a CloudEvents 1.0 JSON
 * event signed by the hub. `id` is stable across redelivery (dedupe on it), `subject` is your
 * agency's pseudonym for the person (also the record key), and `data` holds only what the
 * sharing decision let your agency receive.
 */
export interface HubMessage {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: Record<string, unknown>;
  agreementid: string;
  agreementversion: number;
  grant: number;
  lawfulbasis: string;
  purpose: string;
  consentid?: string;
  /** The hub's position of the event; zero-padded, so it sorts as text. */
  sequence: string;
  /** Detached JWS (`header..signature`, EdDSA) over the canonical JSON of every other attribute. */
  signature: string;
}

/** The `type` of a retraction: delete the messages it lists. */
export const RETRACTION_TYPE = 'onestop.retraction.v1';

/** The `data` of a retraction. */
export interface RetractionData {
  retractedIds: string[];
  reason: string;
  causeId: string;
}

/** Whether a parsed record value has the attributes this consumer relies on. */
export function isHubMessage(value: unknown): value is HubMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return ['id', 'type', 'subject', 'sequence', 'signature'].every((k) => typeof m[k] === 'string') && typeof m.data === 'object' && m.data !== null;
}

/** Whether a (verified) message is a retraction with a well-formed list of ids. */
export function isRetraction(message: HubMessage): message is HubMessage & { data: RetractionData } {
  const ids = (message.data as Partial<RetractionData>).retractedIds;
  return message.type === RETRACTION_TYPE && Array.isArray(ids) && ids.every((id) => typeof id === 'string');
}

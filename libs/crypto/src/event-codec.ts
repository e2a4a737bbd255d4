import { isSubjectEventType, SUBJECT_EVENT_SCHEMAS } from '@onestop/domain';
import { isSealed, seal, unseal } from './field-cipher';
import { KeyStore } from './key-store.port';

/** An event's parts the codec needs. */
export interface CodecEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
  personId?: string;
}

/** The result of opening an event: its data, and whether fields were lost to erasure. */
export interface OpenedData {
  data: Record<string, unknown>;
  erased: boolean;
}

/** The stored field holding an event's sensitive fields, sealed together. */
export const SEALED_FIELDS = '$sealed';

const sealedFieldsAad = (eventId: string): string => `${eventId}:${SEALED_FIELDS}`;

/**
 * Seals the sensitive fields of subject events under the person's data key before they are
 * stored, and opens them after reading. An event's sensitive fields are sealed together, as one
 * AES-GCM message in the field `$sealed` bound to the event id (AAD), so that they cannot be
 * moved to another event unnoticed, and opening an event costs one decryption whatever its
 * fields. Events stored with each field sealed on its own (`enc:v1` values bound to event id
 * and field name) open as before.
 */
export class EventCodec {
  constructor(private readonly keys: KeyStore) {}

  seal(event: CodecEvent): Record<string, unknown> {
    if (!isSubjectEventType(event.type) || !event.personId) return event.data;
    const schema = SUBJECT_EVENT_SCHEMAS[event.type];
    const out: Record<string, unknown> = {};
    const sensitive: Record<string, unknown> = {};
    let any = false;
    for (const [name, value] of Object.entries(event.data)) {
      const rule = schema[name];
      if (rule && rule.kind !== 'subject' && rule.sensitive && value !== undefined) {
        sensitive[name] = value;
        any = true;
      } else out[name] = value;
    }
    if (any) out[SEALED_FIELDS] = seal(this.keys.keyFor(event.personId), sensitive, sealedFieldsAad(event.id));
    return out;
  }

  /** Moves whenever a person's key is destroyed: opened data held in memory must then go. */
  erasures(): number {
    return this.keys.erasures();
  }

  /** The event's data with its sealed fields opened, or dropped (`erased`) when the key is gone. */
  open(event: CodecEvent): OpenedData {
    const together = event.data[SEALED_FIELDS];
    let apart: string[] | undefined;
    for (const name in event.data) {
      if (name !== SEALED_FIELDS && isSealed(event.data[name])) (apart ??= []).push(name);
    }
    if (together === undefined && !apart) return { data: event.data, erased: false };
    const key = event.personId ? this.keys.findKey(event.personId) : undefined;
    const out: Record<string, unknown> = {};
    for (const name in event.data) if (name !== SEALED_FIELDS) out[name] = event.data[name];
    if (!key) {
      apart?.forEach((name) => delete out[name]);
      return { data: out, erased: true };
    }
    if (isSealed(together)) Object.assign(out, unseal(key, together, sealedFieldsAad(event.id)) as Record<string, unknown>);
    if (apart) for (const name of apart) out[name] = unseal(key, event.data[name] as string, `${event.id}:${name}`);
    return { data: out, erased: false };
  }
}

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

/**
 * Seals the sensitive fields of subject events under the person's data key before they are
 * stored, and opens them after reading. Fields are bound to their event id and name (AAD), so
 * a sealed value cannot be moved to another event or field unnoticed.
 */
export class EventCodec {
  constructor(private readonly keys: KeyStore) {}

  seal(event: CodecEvent): Record<string, unknown> {
    if (!isSubjectEventType(event.type) || !event.personId) return event.data;
    const schema = SUBJECT_EVENT_SCHEMAS[event.type];
    const key = this.keys.keyFor(event.personId);
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(event.data)) {
      const rule = schema[name];
      const sensitive = rule && rule.kind !== 'subject' && rule.sensitive;
      out[name] = sensitive && value !== undefined ? seal(key, value, `${event.id}:${name}`) : value;
    }
    return out;
  }

  /** Moves whenever a person's key is destroyed: opened data held in memory must then go. */
  erasures(): number {
    return this.keys.erasures();
  }

  open(event: CodecEvent): OpenedData {
    const sealedNames = Object.keys(event.data).filter((n) => isSealed(event.data[n]));
    if (sealedNames.length === 0) return { data: event.data, erased: false };
    const key = event.personId ? this.keys.findKey(event.personId) : undefined;
    const out: Record<string, unknown> = { ...event.data };
    for (const name of sealedNames) {
      if (key) out[name] = unseal(key, event.data[name] as string, `${event.id}:${name}`);
      else delete out[name];
    }
    return { data: out, erased: !key };
  }
}

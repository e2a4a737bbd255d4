import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { type HubMessage, isRetraction } from './hub-message';

/** The current summary of one person, from the compacted people topic. */
export interface PersonRecord {
  summary: Record<string, unknown>;
  /** `onestop_sequence` of the record: the hub position of the message that last changed it. */
  sequence?: string;
}

/** A record this consumer refused, kept so that an operator can look into it. */
export interface Rejection {
  topic: string;
  partition: number;
  offset: string;
  id?: string;
  reason: string;
}

/** Everything the agency holds, as saved to the state file. */
export interface HoldingsState {
  /** Messages held, by id. */
  messages: Record<string, HubMessage>;
  /** Ids the hub told the agency to delete → the retraction that did; a late copy is not taken back in. */
  retracted: Record<string, string>;
  /** Retractions applied → whether the hub has been told (`POST /v1/feed/acks`). */
  retractions: Record<string, { subject: string; reason: string; acknowledged: boolean }>;
  /** Current summary per pseudonym; a tombstone removes the person. */
  people: Record<string, PersonRecord>;
  /** Pseudonyms whose summary was removed by a tombstone (the basis for holding it ended). */
  tombstoned: string[];
  rejected: Rejection[];
  duplicates: number;
}

const empty = (): HoldingsState => ({ messages: {}, retracted: {}, retractions: {}, people: {}, tombstoned: [], rejected: [], duplicates: 0 });

/**
 * What the agency holds, changed only by verified messages: a message is kept once however often
 * it is delivered (dedupe by id), a retraction deletes the messages it lists, and the people
 * topic replaces or (tombstone) deletes a person's summary. Optionally saved to a JSON file,
 * written whole and renamed into place so a crash never leaves half a file.
 */
export class Holdings {
  private constructor(
    readonly state: HoldingsState,
    private readonly file: string | undefined,
    /** Whether the state file did not exist yet (so the topics must be read from the start). */
    readonly fresh: boolean,
  ) {}

  static open(file?: string): Holdings {
    if (!file || !existsSync(file)) return new Holdings(empty(), file, true);
    return new Holdings({ ...empty(), ...(JSON.parse(readFileSync(file, 'utf8')) as HoldingsState) }, file, false);
  }

  /** Applies a verified events-topic message; returns what changed, for the log. */
  applyMessage(message: HubMessage): string {
    const s = this.state;
    if (s.messages[message.id] || s.retracted[message.id] || s.retractions[message.id]) {
      s.duplicates += 1;
      return `duplicate ${message.id} skipped`;
    }
    if (!isRetraction(message)) {
      s.messages[message.id] = message;
      return `held ${message.type} ${message.id} about ${message.subject}`;
    }
    const deleted = message.data.retractedIds.filter((id) => s.messages[id]);
    for (const id of message.data.retractedIds) {
      delete s.messages[id];
      s.retracted[id] = message.id;
    }
    s.retractions[message.id] = { subject: message.subject, reason: message.data.reason, acknowledged: false };
    return `retraction ${message.id} (${message.data.reason}): deleted ${deleted.length} of ${message.data.retractedIds.length} messages about ${message.subject}`;
  }

  /** Applies a people-topic record: a summary, or a tombstone (`null`). */
  applyPerson(pseudonym: string, summary: Record<string, unknown> | null, sequence?: string): string {
    const s = this.state;
    s.tombstoned = s.tombstoned.filter((p) => p !== pseudonym);
    if (summary === null) {
      delete s.people[pseudonym];
      s.tombstoned.push(pseudonym);
      return `tombstone: summary of ${pseudonym} deleted`;
    }
    s.people[pseudonym] = { summary, ...(sequence ? { sequence } : {}) };
    return `summary of ${pseudonym} updated`;
  }

  reject(rejection: Rejection): string {
    this.state.rejected.push(rejection);
    return `rejected ${rejection.topic}[${rejection.partition}]@${rejection.offset}${rejection.id ? ` (${rejection.id})` : ''}: ${rejection.reason}`;
  }

  /** Retractions applied but not yet reported to the hub. */
  unacknowledged(): string[] {
    return Object.entries(this.state.retractions)
      .filter(([, r]) => !r.acknowledged)
      .map(([id]) => id);
  }

  acknowledged(ids: readonly string[]): void {
    for (const id of ids) if (this.state.retractions[id]) this.state.retractions[id].acknowledged = true;
  }

  save(): void {
    if (!this.file) return;
    writeFileSync(`${this.file}.tmp`, JSON.stringify(this.state));
    renameSync(`${this.file}.tmp`, this.file);
  }

  /** What is held, for printing: per person, the messages in hub order and the summary. */
  report(agency: string): HoldingsReport {
    const s = this.state;
    const messages = Object.values(s.messages).sort((a, b) => (a.subject === b.subject ? a.sequence.localeCompare(b.sequence) : a.subject.localeCompare(b.subject)));
    const subjects = [...new Set([...messages.map((m) => m.subject), ...Object.keys(s.people)])].sort();
    return {
      agency,
      people: subjects.map((subject) => ({
        subject,
        messages: messages.filter((m) => m.subject === subject).map(({ id, type, sequence, time }) => ({ id, type, sequence, time })),
        summary: s.people[subject]?.summary ?? null,
      })),
      tombstoned: [...s.tombstoned].sort(),
      retracted: Object.keys(s.retracted).sort(),
      retractions: Object.keys(s.retractions).length,
      unacknowledged: this.unacknowledged().length,
      duplicates: s.duplicates,
      rejected: s.rejected,
    };
  }
}

/** The printed summary (`--json` prints it as is). */
export interface HoldingsReport {
  agency: string;
  people: Array<{ subject: string; messages: Array<Pick<HubMessage, 'id' | 'type' | 'sequence' | 'time'>>; summary: Record<string, unknown> | null }>;
  tombstoned: string[];
  retracted: string[];
  retractions: number;
  unacknowledged: number;
  duplicates: number;
  rejected: Rejection[];
}

/** The report as lines for a person to read. */
export function describeHoldings(r: HoldingsReport): string[] {
  const held = r.people.reduce((n, p) => n + p.messages.length, 0);
  const lines = [`${r.agency} holds ${held} messages about ${r.people.length} people`];
  for (const p of r.people) {
    const kinds = Object.entries(p.messages.reduce<Record<string, number>>((acc, m) => ({ ...acc, [m.type]: (acc[m.type] ?? 0) + 1 }), {}));
    const summary = p.summary ? describeSummary(p.summary) : r.tombstoned.includes(p.subject) ? 'deleted (tombstone)' : 'none';
    lines.push(`  ${p.subject}: ${kinds.map(([type, n]) => `${type} ×${n}`).join(', ') || 'no messages'}`, `    summary: ${summary}`);
  }
  lines.push(
    `retractions applied: ${r.retractions} (${r.retracted.length} messages deleted, ${r.unacknowledged} not yet acknowledged to the hub); ` +
      `tombstones: ${r.tombstoned.length}; duplicates skipped: ${r.duplicates}; rejected: ${r.rejected.length}`,
  );
  for (const x of r.rejected) lines.push(`  rejected ${x.topic}[${x.partition}]@${x.offset}${x.id ? ` ${x.id}` : ''}: ${x.reason}`);
  return lines;
}

/** The parts of a people-topic summary a caseworker would look at first. */
function describeSummary(summary: Record<string, unknown>): string {
  const s = summary as { identity?: { name?: string }; needs?: Record<string, { level?: string }>; referrals?: Record<string, { status?: string }>; consents?: unknown[] };
  const parts: string[] = [];
  if (s.identity?.name) parts.push(s.identity.name);
  const needs = Object.entries(s.needs ?? {});
  if (needs.length) parts.push(`needs ${needs.map(([category, n]) => `${category} (${n.level ?? '?'})`).join(', ')}`);
  const referrals = Object.values(s.referrals ?? {});
  if (referrals.length) parts.push(`referrals ${referrals.map((x) => x.status ?? '?').join(', ')}`);
  if (s.consents?.length) parts.push(`${s.consents.length} consent${s.consents.length > 1 ? 's' : ''}`);
  return parts.join('; ') || 'nothing the agency may see';
}

import { EventEmitter } from 'node:events';
import type { AuditLog } from '@onestop/audit';
import { AgencyProfile, AgreementVersion, ConsentLedger, isSubjectEventType } from '@onestop/domain';
import { Pseudonymizer } from '@onestop/crypto';
import { Delivery, MessageSigner, Outbound, RetractionData } from '@onestop/delivery';
import { agreementsInForce, DecidableEvent, decide } from '@onestop/policy';
import { EventRepository, OpenedEvent } from '../event-repository';
import { applyToSummary, emptySummary, PersonSummary } from '../reads/person-summary';
import { AgencyPseudonyms } from './agency-pseudonyms';
import { ConsentLedgers } from './consent-ledgers';
import { deterministicId, disclosureMessage, retractionMessage } from './message-builder';
import { PartnershipState } from './partnership-state';
import { PublisherLease } from './publisher-lease';
import { DisclosureRow, JournalBatch, PublisherJournal } from './publisher-journal';
import { lostBasis } from './lost-basis';
import { DecidedDisclosure, recordBeforeRelease } from './publisher-audit';

/** Events decided between two turns of the event loop while a page is processed. */
const YIELD_EVERY = 50;
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface PublisherOptions {
  repository: EventRepository;
  journal: PublisherJournal;
  signer: MessageSigner;
  pseudonyms: Pseudonymizer;
  /** Where messages go: the HTTP feed, Kafka, or both; an agency receives on those it chose. */
  deliveries: { feed?: Delivery; kafka?: Delivery };
  /** The CloudEvents `source` of every message. */
  source: string;
  /** Events read per batch. Default 500. */
  batchSize?: number;
  /** How long to wait for new events before looking again (other processes). Default 100 ms. */
  idleMs?: number;
  now?: () => Date;
  onError?: (error: Error) => void;
  /** When set, the publisher delivers only while it holds this lease (one active instance). */
  lease?: PublisherLease;
  /** Where each disclosure and retraction is recorded before it is released. */
  audit?: AuditLog;
  /** The agencies this publisher serves; all when absent. Each agency must have exactly one publisher. */
  agencies?: ReadonlySet<string>;
  /** Takes turns at the hub file's write lock with the process's other threads (`WriteGate`); writes at once when absent. */
  writes?: { run<T>(write: () => T): Promise<T> };
}

/** A batch being built: its messages, each signed as soon as it is queued (`signing`). */
type Pending = JournalBatch & { disclosures: DecidedDisclosure[]; outbound: Outbound[]; signing: Array<Promise<void>> };

/**
 * How one disclosure is made: decided at `at` (`inForce`: the agreement versions in force then,
 * worked out once for every agency), under the message id `id`, with `sequence` when not the event's own.
 */
interface DisclosureOptions {
  at: string;
  inForce: readonly AgreementVersion[];
  id: string;
  sequence?: string;
}

/**
 * The publisher: reads every event in global order from its checkpoint, decides each subject
 * event for each agency, delivers the signed, filtered messages (and retractions when a
 * consent or grant ends), then records the disclosures and advances the checkpoint in one
 * transaction. The checkpoint only moves after delivery was durable, so a crash redelivers the
 * same messages with the same ids and loses nothing.
 */
export class Publisher {
  private partnership: PartnershipState;
  private readonly ledgers: ConsentLedgers;
  private readonly pseudonyms: AgencyPseudonyms;
  private readonly wake = new EventEmitter();
  private running = false;
  private loop?: Promise<void>;
  private published: number;
  private readonly progress = new EventEmitter();

  constructor(private readonly o: PublisherOptions) {
    this.ledgers = new ConsentLedgers(o.repository);
    this.pseudonyms = new AgencyPseudonyms(o.pseudonyms);
    this.partnership = PartnershipState.restore(o.journal.partnership());
    this.published = o.journal.checkpoint() ?? 0;
    this.progress.setMaxListeners(0);
  }

  /** The global position of the last event whose messages are delivered. */
  get position(): number {
    return this.published;
  }

  /** Wakes the publisher at once (called after an append in this process). */
  notify(): void {
    this.wake.emit('wake');
  }

  /** Resolves once every event up to `position` is delivered (or after `timeoutMs`). */
  waitFor(position: number, timeoutMs = 5000): Promise<boolean> {
    if (this.published >= position) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(false), timeoutMs);
      const check = () => this.published >= position && done(true);
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.progress.off('progress', check);
        resolve(ok);
      };
      this.progress.on('progress', check);
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.notify();
    await this.loop;
    await this.o.lease?.release();
  }

  /** Processes everything stored now and returns (for tools, tests and rebuilds). */
  async drain(): Promise<void> {
    while (await this.step()) {
      /* keep going */
    }
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        if (this.o.lease && !(await this.o.lease.ensure())) {
          await this.idle(1000);
          continue;
        }
        const more = await this.step();
        failures = 0;
        if (!more) await this.idle(this.o.idleMs ?? 100);
      } catch (error) {
        failures += 1;
        // The failed step folded events past the checkpoint into the cached consents and
        // partnership; retrying on that state would decide them as if later events had happened.
        this.resume();
        this.o.onError?.(error as Error);
        await this.idle(Math.min(5000, 100 * 2 ** Math.min(failures, 6)));
      }
    }
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake.off('wake', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake.on('wake', done);
    });
  }

  /** One batch: returns whether events were processed. */
  private async step(): Promise<boolean> {
    const after = this.o.journal.checkpoint();
    if ((after ?? 0) !== this.published) this.resume();
    const page = await this.o.repository.store.readAll({ after, maxCount: this.o.batchSize ?? 500 });
    if (page.length === 0) return false;
    let pending = this.newBatch();
    for (const [index, recorded] of page.entries()) {
      // A page is a second or more of synchronous work when the publisher has a backlog: let
      // the API's requests in between events rather than after the whole page.
      if (index > 0 && index % YIELD_EVERY === 0) await yieldToEventLoop();
      const event = this.o.repository.open(recorded);
      const agreement = this.partnership.apply(event);
      if (event.type.startsWith('Agency') || agreement) pending.partnership = this.partnership.snapshot();
      if (agreement) {
        pending = await this.flush(pending);
        await this.retractForAgreement(agreement, event, pending);
      }
      const personId = event.metadata.personId;
      if (personId && isSubjectEventType(event.type)) {
        let ledger = await this.ledgers.before(personId, event.position);
        if (event.stream.startsWith('person-')) ledger = this.ledgers.apply(personId, event);
        const ends = event.type === 'ConsentWithdrawn.v1' || event.type === 'ConsentExpired.v1';
        const erased = event.type === 'PersonErased.v1';
        if (ends || erased) pending = await this.flush(pending);
        if (!erased) this.fanOut(event, personId, ledger, pending);
        if (ends) await this.retractForConsent(event, personId, ledger, pending);
        if (erased) await this.retract(event, personId, this.o.journal.held(personId), 'person-erased', ledger, pending);
        if (event.type === 'ConsentGiven.v1') await this.discloseOnConsent(event, personId, ledger, pending);
      }
      pending.position = event.position;
    }
    await this.flush(pending);
    return true;
  }

  private newBatch(position = this.o.journal.checkpoint() ?? 0): Pending {
    return { outbound: [], signing: [], disclosures: [], retractions: [], retracted: [], summaries: new Map(), position };
  }

  /**
   * Adds a finished message to the batch and starts signing it (on libuv's thread pool, while the
   * publisher goes on deciding); `flush` waits for every signature before anything is recorded.
   */
  private queue(pending: Pending, outbound: Outbound): void {
    pending.outbound.push(outbound);
    const signing = this.o.signer.sign(outbound.message).then((signed) => {
      outbound.message = signed;
    });
    // Awaited by `flush`; a batch abandoned before it (a failed step) must not leave a rejection unhandled.
    signing.catch(() => undefined);
    pending.signing.push(signing);
  }

  /** Delivers the pending messages, then commits the journal and checkpoint together. */
  private async flush(pending: Pending): Promise<Pending> {
    const checkpoint = this.o.journal.checkpoint();
    if (pending.outbound.length === 0 && pending.position === checkpoint) return pending;
    await Promise.all(pending.signing);
    await this.write(() => recordBeforeRelease(this.o.audit, pending, (this.o.now?.() ?? new Date()).toISOString()));
    const { feed, kafka } = this.o.deliveries;
    if (kafka) await kafka.deliver(feed ? pending.outbound.filter((o) => this.chose(o, 'kafka')) : pending.outbound);
    if (feed) await feed.deliver(kafka ? pending.outbound.filter((o) => this.chose(o, 'feed') || !this.chose(o, 'kafka')) : pending.outbound);
    if (this.o.lease && !(await this.o.lease.ensure())) throw new Error('the publisher lease passed to another instance');
    await this.write(() => this.o.journal.commit(pending, (this.o.now?.() ?? new Date()).toISOString()));
    this.published = pending.position;
    this.progress.emit('progress');
    return this.newBatch(pending.position);
  }

  private async write(write: () => void): Promise<void> {
    if (this.o.writes) await this.o.writes.run(write);
    else write();
  }

  /**
   * A new consent makes the person's existing record visible to the agencies it names: each
   * earlier person event the agency now may receive, and does not hold, is disclosed at once
   * (first time under the event's id; again after a retraction under a new id).
   */
  private async discloseOnConsent(cause: OpenedEvent, personId: string, consents: ConsentLedger, pending: Pending): Promise<void> {
    const consent = consents.get((cause.data as { consentId: string }).consentId);
    if (!consent) return;
    const earlier = (await this.o.repository.readStream(`person-${personId}`)).filter((e) => e.position < cause.position && !e.erased);
    const held = new Set([...this.o.journal.held(personId), ...pending.disclosures].map((d) => `${d.agency_id}\u0000${d.event_id}`));
    let backfilled = 0;
    const named = (a: AgencyProfile) => consent.scope.recipients.agencies.includes(a.agencyId) || consent.scope.recipients.kinds.includes(a.kind);
    const at = cause.metadata.occurredAt;
    const inForce = agreementsInForce(this.partnership.agreements, at);
    for (const agency of this.served().filter(named)) {
      for (const event of earlier) {
        if (held.has(`${agency.agencyId}\u0000${event.id}`)) continue;
        const id = this.o.journal.everDisclosed(agency.agencyId, event.id) ? deterministicId('redisclosure', event.id, cause.id) : event.id;
        const sequence = `${String(cause.position).padStart(16, '0')}.${String(backfilled + 1).padStart(6, '0')}`;
        if (this.disclose(event, agency, personId, consents, { at, inForce, id, sequence }, pending)) backfilled += 1;
      }
    }
  }

  private async retractForConsent(cause: OpenedEvent, personId: string, consents: ConsentLedger, pending: Pending): Promise<void> {
    const consentId = (cause.data as { consentId: string }).consentId;
    const held = this.o.journal.held(personId).filter((r) => r.consent_based === 1);
    const context = { agencies: this.partnership.agencies, agreements: this.partnership.agreements };
    const lost = lostBasis(held, context, consents, cause.metadata.occurredAt, (g) => g.kind === 'grant' && g.consentId === consentId);
    const reason = cause.type === 'ConsentExpired.v1' ? 'consent-expired' : 'consent-withdrawn';
    await this.retract(cause, personId, lost, reason, consents, pending);
  }

  private async retractForAgreement(version: AgreementVersion, cause: OpenedEvent, pending: Pending): Promise<void> {
    const at = Date.parse(version.effectiveFrom) > Date.parse(cause.metadata.occurredAt) ? version.effectiveFrom : cause.metadata.occurredAt;
    const context = { agencies: this.partnership.agencies, agreements: this.partnership.agreements };
    const people = this.o.journal.peopleHeldUnder(version.agreementId);
    for (const personId of people) {
      const consents = await this.ledgers.before(personId, cause.position);
      const held = this.o.journal.held(personId);
      const lost = lostBasis(held, context, consents, at, (g) => g.kind === 'grant' && g.agreementId === version.agreementId);
      await this.retract(cause, personId, lost, 'agreement-changed', consents, pending);
    }
  }

  /** Queues one retraction per agency for the lost disclosures, and that agency's new summary. */
  private async retract(cause: OpenedEvent, personId: string, lost: DisclosureRow[], reason: RetractionData['reason'], consents: ConsentLedger, pending: Pending): Promise<void> {
    const byAgency = new Map<string, DisclosureRow[]>();
    const serves = (agencyId: string) => !this.o.agencies || this.o.agencies.has(agencyId);
    lost.filter((r) => serves(r.agency_id)).forEach((r) => byAgency.set(r.agency_id, [...(byAgency.get(r.agency_id) ?? []), r]));
    for (const [agencyId, rows] of byAgency) {
      const pseudonym = this.pseudonyms.of(agencyId, personId);
      const data: RetractionData = { retractedIds: rows.map((r) => r.message_id), reason, causeId: cause.id };
      const message = retractionMessage(this.o.source, agencyId, cause, pseudonym, data);
      const summary = await this.summaryAfter(agencyId, personId, new Set(data.retractedIds), consents, cause.metadata.occurredAt, pseudonym);
      this.queue(pending, { agencyId, key: pseudonym, message: message as never, summary: summary as unknown as Record<string, unknown> | null });
      pending.retractions.push({
        message_id: message.id,
        agency_id: agencyId,
        person_id: personId,
        cause_event_id: cause.id,
        reason,
        retracted_ids: JSON.stringify(data.retractedIds),
        created_at: cause.metadata.occurredAt,
      });
      rows.forEach((r) => pending.retracted.push({ agencyId, messageId: r.message_id, by: message.id }));
      pending.summaries.set(`${agencyId}\u0000${personId}`, { agencyId, personId, summary });
    }
  }

  /** What the agency may still hold of the person once `retracted` is gone; null when nothing. */
  private async summaryAfter(agencyId: string, personId: string, retracted: Set<string>, consents: ConsentLedger, at: string, pseudonym: string): Promise<PersonSummary | null> {
    const agency = this.partnership.agencies.get(agencyId);
    const kept = this.o.journal.held(personId).filter((r) => r.agency_id === agencyId && !retracted.has(r.message_id));
    if (!agency || kept.length === 0) return null;
    let summary = emptySummary(pseudonym);
    for (const row of kept) {
      const [recorded] = await this.o.repository.store.readStream(row.stream, { fromRevision: row.revision, maxCount: 1 });
      if (!recorded) continue;
      const event = this.o.repository.open(recorded);
      const decision = decide({ event: event as unknown as DecidableEvent, agency: { agencyId, kind: agency.kind }, agreements: this.partnership.agreements, consents, at, purpose: event.metadata.purpose });
      if (decision.permit) summary = applyToSummary(summary, { type: event.type, data: decision.data, occurredAt: event.metadata.occurredAt });
    }
    return summary.lastUpdated ? summary : null;
  }

  /**
   * Another instance moved the checkpoint (it held the lease meanwhile): take up its
   * partnership snapshot and forget cached consents, which may miss what it processed.
   */
  private resume(): void {
    this.partnership = PartnershipState.restore(this.o.journal.partnership());
    this.ledgers.clear();
    this.o.journal.forgetRemembered();
    this.published = this.o.journal.checkpoint() ?? 0;
  }

  /** Rebuilds from the start of the store: every feed message and disclosure again, same ids. */
  async rebuild(): Promise<void> {
    this.o.journal.reset();
    this.partnership = new PartnershipState();
    this.ledgers.clear();
    this.published = 0;
    await this.drain();
  }

  private fanOut(event: OpenedEvent, personId: string, consents: ConsentLedger, pending: Pending): void {
    if (event.erased) return;
    const at = event.metadata.occurredAt;
    const options = { at, inForce: agreementsInForce(this.partnership.agreements, at), id: event.id };
    for (const agency of this.served()) this.disclose(event, agency, personId, consents, options, pending);
  }

  /** Whether the message's agency chose this delivery (with both running; otherwise all use the one there is). */
  private chose(o: Outbound, delivery: 'feed' | 'kafka'): boolean {
    return this.partnership.agencies.get(o.agencyId)?.delivery[delivery] === true;
  }

  /** The agencies this publisher delivers to, in id order. */
  private served(): readonly AgencyProfile[] {
    const all = this.partnership.agencyList();
    return this.o.agencies ? all.filter((a) => this.o.agencies!.has(a.agencyId)) : all;
  }

  /**
   * Decides one event for one agency; when permitted, queues the message, disclosure and summary
   * and returns true.
   */
  private disclose(event: OpenedEvent, agency: AgencyProfile, personId: string, consents: ConsentLedger, options: DisclosureOptions, pending: Pending): boolean {
    const { at, id: messageId } = options;
    const decision = decide({
      event: event as unknown as DecidableEvent,
      agency: { agencyId: agency.agencyId, kind: agency.kind },
      agreements: this.partnership.agreements,
      inForce: options.inForce,
      consents,
      at,
      purpose: event.metadata.purpose,
    });
    if (!decision.permit) return false;
    const pseudonym = this.pseudonyms.of(agency.agencyId, personId);
    const message = disclosureMessage(this.o.source, event, decision, pseudonym);
    message.id = messageId;
    if (options.sequence !== undefined) message.sequence = options.sequence;
    const grounds = decision.grounds;
    pending.disclosures.push({
      message_id: messageId,
      agency_id: agency.agencyId,
      event_id: event.id,
      person_id: personId,
      position: event.position,
      event_type: event.type,
      stream: event.stream,
      revision: event.revision,
      purpose: decision.purpose,
      fields: JSON.stringify(decision.fields),
      grounds: JSON.stringify(grounds),
      consent_based: Object.values(grounds).some((g) => g?.kind === 'grant' && g.consentId) ? 1 : 0,
      disclosed_at: at,
      decided: { fields: decision.fields, grounds, message },
    });
    const key = `${agency.agencyId}\u0000${personId}`;
    const previous = pending.summaries.get(key)?.summary ?? this.o.journal.summary(agency.agencyId, personId) ?? emptySummary(pseudonym);
    const summary = applyToSummary(previous, { type: event.type, data: decision.data, occurredAt: event.metadata.occurredAt });
    pending.summaries.set(key, { agencyId: agency.agencyId, personId, summary });
    this.queue(pending, { agencyId: agency.agencyId, key: pseudonym, message: message as never, summary: summary as unknown as Record<string, unknown> });
    return true;
  }

}

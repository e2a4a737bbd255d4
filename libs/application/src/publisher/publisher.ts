import { EventEmitter } from 'node:events';
import type { AuditLog } from '@onestop/audit';
import { AgencyProfile, isSubjectEventType } from '@onestop/domain';
import { Pseudonymizer } from '@onestop/crypto';
import { Delivery, MessageSigner, Outbound } from '@onestop/delivery';
import { EventRepository } from '../event-repository';
import { AgencyPseudonyms } from './agency-pseudonyms';
import { ConsentLedgers } from './consent-ledgers';
import { Disclosures } from './disclosures';
import { PartnershipState } from './partnership-state';
import { newBatch, PendingBatch, PublisherScope, queueSigned } from './publisher-batch';
import { PublisherLease } from './publisher-lease';
import { PublisherJournal } from './publisher-journal';
import { recordBeforeRelease } from './publisher-audit';
import { Retractions } from './retractions';

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
  private readonly disclosures: Disclosures;
  private readonly retractions: Retractions;

  constructor(private readonly o: PublisherOptions) {
    this.ledgers = new ConsentLedgers(o.repository);
    this.pseudonyms = new AgencyPseudonyms(o.pseudonyms);
    this.partnership = PartnershipState.restore(o.journal.partnership());
    this.published = o.journal.checkpoint() ?? 0;
    this.progress.setMaxListeners(0);
    const scope: PublisherScope = {
      source: o.source,
      repository: o.repository,
      journal: o.journal,
      ledgers: this.ledgers,
      pseudonyms: this.pseudonyms,
      partnership: () => this.partnership,
      served: () => this.served(),
      serves: (agencyId) => !o.agencies || o.agencies.has(agencyId),
      queue: (pending, outbound) => queueSigned(pending, outbound, o.signer),
    };
    this.disclosures = new Disclosures(scope);
    this.retractions = new Retractions(scope);
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
        await this.retractions.forAgreement(agreement, event, pending);
      }
      const personId = event.metadata.personId;
      if (personId && isSubjectEventType(event.type)) {
        let ledger = await this.ledgers.before(personId, event.position);
        if (event.stream.startsWith('person-')) ledger = this.ledgers.apply(personId, event);
        const ends = event.type === 'ConsentWithdrawn.v1' || event.type === 'ConsentExpired.v1';
        const erased = event.type === 'PersonErased.v1';
        if (ends || erased) pending = await this.flush(pending);
        if (!erased) this.disclosures.fanOut(event, personId, ledger, pending);
        if (ends) await this.retractions.forConsentEnd(event, personId, ledger, pending);
        if (erased) await this.retractions.forErasure(event, personId, ledger, pending);
        if (event.type === 'ConsentGiven.v1') await this.disclosures.onConsent(event, personId, ledger, pending);
      }
      pending.position = event.position;
    }
    await this.flush(pending);
    return true;
  }

  private newBatch(position = this.o.journal.checkpoint() ?? 0): PendingBatch {
    return newBatch(position);
  }

  /** Delivers the pending messages, then commits the journal and checkpoint together. */
  private async flush(pending: PendingBatch): Promise<PendingBatch> {
    const checkpoint = this.o.journal.checkpoint();
    if (pending.outbound.length === 0 && pending.position === checkpoint) return pending;
    await Promise.all(pending.signing);
    await this.write(() => recordBeforeRelease(this.o.audit, pending, (this.o.now?.() ?? new Date()).toISOString()));
    const { feed, kafka } = this.o.deliveries;
    if (kafka) await kafka.deliver(feed ? pending.outbound.filter((o) => this.chose(o, 'kafka')) : pending.outbound);
    if (feed) await feed.deliver(kafka ? pending.outbound.filter((o) => this.chose(o, 'feed') || !this.chose(o, 'kafka')) : pending.outbound);
    if (this.o.lease && !(await this.o.lease.ensure())) throw new Error('the publisher lease passed to another instance');
    await this.write(() => this.o.journal.commit(pending, (this.o.now?.() ?? new Date()).toISOString()));
    if (pending.retractions.some((r) => r.reason === 'person-erased')) await this.write(() => this.o.journal.forgetWriteAheadLog());
    this.published = pending.position;
    this.progress.emit('progress');
    return this.newBatch(pending.position);
  }

  private async write(write: () => void): Promise<void> {
    if (this.o.writes) await this.o.writes.run(write);
    else write();
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

  /** Whether the message's agency chose this delivery (with both running; otherwise all use the one there is). */
  private chose(o: Outbound, delivery: 'feed' | 'kafka'): boolean {
    return this.partnership.agencies.get(o.agencyId)?.delivery[delivery] === true;
  }

  /** The agencies this publisher delivers to, in id order. */
  private served(): readonly AgencyProfile[] {
    const all = this.partnership.agencyList();
    return this.o.agencies ? all.filter((a) => this.o.agencies!.has(a.agencyId)) : all;
  }
}

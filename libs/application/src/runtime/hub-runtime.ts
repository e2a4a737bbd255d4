import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { EventCodec, loadOrCreateHubSecrets, Pseudonymizer, SqliteKeyStore } from '@onestop/crypto';
import { Delivery, MessageSigner, SqliteFeed } from '@onestop/delivery';
import { WorkingCalendar } from '@onestop/domain';
import { createEventStore, EventStore, openDatabase, writeGateOf } from '@onestop/event-store';
import { HubAudit, openHubAudit } from '../audit/hub-audit';
import { EventRepository } from '../event-repository';
import { PartnershipDirectory } from '../partnership-directory';
import { BlindIndex } from '../read-models/blind-index';
import { ReadModelProjector } from '../read-models/read-model-projector';
import { Publisher } from '../publisher/publisher';
import { PublisherJournal } from '../publisher/publisher-journal';
import { PublisherLease } from '../publisher/publisher-lease';
import { PublisherThread, PublisherThreadSetup } from './publisher-thread';
import { loadOrCreateSigner } from './signing-key';

/** Where the hub keeps its data and which event store it uses. */
export interface RuntimeOptions {
  dataDir: string;
  store: 'sqlite' | 'eventstoredb';
  esdbConnectionString?: string;
  /** The hub's clock; tests inject one. */
  now?: () => Date;
  /** The CloudEvents `source` of messages. */
  source?: string;
  /** Bank holidays (`YYYY-MM-DD`) that working-day deadlines skip besides weekends. */
  bankHolidays?: readonly string[];
  /** The write gate of the process's other runtime on this data directory (the publisher thread's is the API's). */
  writeGate?: SharedArrayBuffer;
}

/** How the publisher delivers: the HTTP feed (default on) and optionally Kafka. */
export interface PublisherSetup {
  feed: boolean;
  kafka?: Delivery;
  batchSize?: number;
  onError?: (error: Error) => void;
  /** One active publisher across processes. */
  lease?: PublisherLease;
  /** Serve only these agencies (partitioned publishers); all when absent or empty. */
  agencies?: string[];
}

/** The clock every command and read uses. */
export interface Clock {
  now(): Date;
}

/**
 * The parts of the hub shared by the API and the publisher, assembled once per process: the
 * SQLite file (events in the embedded default, keys, read models, feeds, audit), the event
 * store, the codec that seals personal data, and the partnership directory.
 */
export class HubRuntime {
  private constructor(
    readonly db: Database,
    readonly store: EventStore,
    readonly keys: SqliteKeyStore,
    readonly repository: EventRepository,
    readonly directory: PartnershipDirectory,
    readonly projector: ReadModelProjector,
    readonly pseudonymizer: Pseudonymizer,
    readonly blindIndex: BlindIndex,
    readonly clock: Clock,
    readonly dataDir: string,
    readonly feed: SqliteFeed,
    readonly signer: MessageSigner,
    readonly source: string,
    private readonly options: RuntimeOptions,
  ) {}

  /** The publisher running on this event loop, when started so. */
  publisher?: Publisher;

  /** The publisher running on a thread of its own in this process, when started so. */
  publisherThread?: PublisherThread;

  /** The audit log and what feeds it (set by `open`). */
  audit!: HubAudit;

  /** The working calendar referral deadlines are counted in: weekends and the configured bank holidays. */
  calendar: WorkingCalendar = { bankHolidays: new Set() };

  /** Starts the publisher in this process; new events wake it at once. */
  startPublisher(setup: PublisherSetup): Publisher {
    const publisher = new Publisher({
      repository: this.repository,
      journal: new PublisherJournal(this.db, setup.lease?.name ?? 'publisher'),
      signer: this.signer,
      pseudonyms: this.pseudonymizer,
      deliveries: { ...(setup.feed ? { feed: this.feed } : {}), ...(setup.kafka ? { kafka: setup.kafka } : {}) },
      source: this.source,
      batchSize: setup.batchSize,
      now: this.clock.now,
      onError: setup.onError,
      lease: setup.lease,
      audit: this.audit.log,
      agencies: setup.agencies?.length ? new Set(setup.agencies) : undefined,
      writes: writeGateOf(this.db),
    });
    this.repository.onAppended(() => publisher.notify());
    publisher.start();
    this.publisher = publisher;
    return publisher;
  }

  /**
   * Starts the publisher on a thread of its own (the embedded default): it opens its own
   * runtime on this data directory, is woken by every append made here, and tells this side
   * which agencies' feeds received messages.
   */
  async startPublisherThread(setup: Omit<PublisherThreadSetup, 'runtime'>, onError: (error: Error) => void): Promise<PublisherThread> {
    const runtime = { dataDir: this.dataDir, writeGate: writeGateOf(this.db).buffer, store: this.options.store, esdbConnectionString: this.options.esdbConnectionString, source: this.source, bankHolidays: this.options.bankHolidays };
    const thread = await PublisherThread.start({ ...setup, runtime }, { onDelivered: (agencyIds) => agencyIds.forEach((id) => this.feed.announce(id)), onError });
    this.repository.onAppended(() => thread.notify());
    this.publisherThread = thread;
    return thread;
  }

  /**
   * Resolves true once this process's publisher (on this loop or its thread) has delivered every
   * event up to `position`; false after `timeoutMs`, or at once when no publisher runs here.
   */
  async publisherReached(position: number, timeoutMs?: number): Promise<boolean> {
    if (this.publisher) return this.publisher.waitFor(position, timeoutMs);
    if (this.publisherThread) return this.publisherThread.waitFor(position, timeoutMs);
    return false;
  }

  static async open(options: RuntimeOptions): Promise<HubRuntime> {
    const db = openDatabase(join(options.dataDir, 'hub.db'), { writeGate: options.writeGate });
    const secrets = loadOrCreateHubSecrets(options.dataDir);
    const store =
      options.store === 'eventstoredb'
        ? createEventStore({ store: 'eventstoredb', connectionString: options.esdbConnectionString ?? '' })
        : createEventStore({ store: 'sqlite', database: db });
    const keys = new SqliteKeyStore(db, secrets.masterKey);
    const repository = new EventRepository(store, new EventCodec(keys));
    const blindIndex = new BlindIndex(secrets.pseudonymSecret);
    const projector = new ReadModelProjector(db, repository, blindIndex);
    const directory = new PartnershipDirectory(store);
    const clock: Clock = { now: options.now ?? (() => new Date()) };
    const signer = await loadOrCreateSigner(options.dataDir);
    const source = options.source ?? 'urn:onestop:hub';
    const runtime = new HubRuntime(db, store, keys, repository, directory, projector, new Pseudonymizer(secrets.pseudonymSecret), blindIndex, clock, options.dataDir, new SqliteFeed(db), signer, source, options);
    runtime.calendar = { bankHolidays: new Set(options.bankHolidays ?? []) };
    runtime.audit = openHubAudit({ db, store, repository, dataDir: options.dataDir, signer, now: clock.now });
    await directory.catchUp();
    await projector.catchUp();
    await runtime.audit.admin.catchUp();
    return runtime;
  }

  nowIso(): string {
    return this.clock.now().toISOString();
  }

  async close(): Promise<void> {
    await this.publisher?.stop();
    await this.publisherThread?.stop();
    await this.audit?.log.settled();
    await this.feed.close();
    await this.store.close();
    if (this.db.open) this.db.close();
  }
}

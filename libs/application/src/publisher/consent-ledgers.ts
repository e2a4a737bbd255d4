import { ConsentLedger, ConsentRecord, ConsentScope, evolveConsents, PersonEvent } from '@onestop/domain';
import { EventRepository, OpenedEvent } from '../event-repository';

/** How many distinct consent scopes are shared at most; scopes beyond them are kept as they come. */
const SHARED_SCOPES = 1_000;

/**
 * Each person's consents as of the publisher's position. A person first met after a restart
 * is loaded from their stream up to (not including) the current position.
 *
 * One ledger is kept per person met, so its size is what matters: identical scopes (most
 * consents name the same recipients, categories and purposes) are held once and shared.
 */
export class ConsentLedgers {
  private readonly ledgers = new Map<string, ConsentLedger>();
  private readonly scopes = new Map<string, ConsentScope>();

  constructor(private readonly repository: EventRepository) {}

  async before(personId: string, position: number): Promise<ConsentLedger> {
    const cached = this.ledgers.get(personId);
    if (cached) return cached;
    const events = await this.repository.readStream<PersonEvent>(`person-${personId}`);
    const ledger = events
      .filter((e) => e.position < position)
      .reduce((l, e) => evolveConsents(l, e as unknown as PersonEvent), new Map() as ConsentLedger);
    const compact = this.sharingScopes(ledger);
    this.ledgers.set(personId, compact);
    return compact;
  }

  /** Folds a person event into the cached ledger (after `before` loaded it). */
  apply(personId: string, event: OpenedEvent): ConsentLedger {
    const previous = this.ledgers.get(personId) ?? new Map();
    const evolved = evolveConsents(previous, event as unknown as PersonEvent);
    const next = evolved === previous ? evolved : this.sharingScopes(evolved);
    this.ledgers.set(personId, next);
    return next;
  }

  /** People whose ledger is cached. */
  known(): IterableIterator<[string, ConsentLedger]> {
    return this.ledgers.entries();
  }

  clear(): void {
    this.ledgers.clear();
  }

  forget(personId: string): void {
    this.ledgers.delete(personId);
  }

  /** The ledger with each scope replaced by the shared equal one (records are values: copied, not changed). */
  private sharingScopes(ledger: ConsentLedger): ConsentLedger {
    const records: ConsentRecord[] = [];
    let changed = false;
    for (const record of ledger.values()) {
      const scope = this.shared(record.scope);
      changed ||= scope !== record.scope;
      records.push(scope === record.scope ? record : { ...record, scope });
    }
    return changed ? new Map(records.map((r) => [r.consentId, r])) : ledger;
  }

  private shared(scope: ConsentScope): ConsentScope {
    const key = JSON.stringify(scope);
    const known = this.scopes.get(key);
    if (known) return known;
    if (this.scopes.size < SHARED_SCOPES) this.scopes.set(key, scope);
    return scope;
  }
}

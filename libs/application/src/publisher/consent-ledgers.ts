import { ConsentLedger, evolveConsents, PersonEvent } from '@onestop/domain';
import { EventRepository, OpenedEvent } from '../event-repository';

/**
 * Each person's consents as of the publisher's position. A person first met after a restart
 * is loaded from their stream up to (not including) the current position.
 */
export class ConsentLedgers {
  private readonly ledgers = new Map<string, ConsentLedger>();

  constructor(private readonly repository: EventRepository) {}

  async before(personId: string, position: number): Promise<ConsentLedger> {
    const cached = this.ledgers.get(personId);
    if (cached) return cached;
    const events = await this.repository.readStream<PersonEvent>(`person-${personId}`);
    const ledger = events
      .filter((e) => e.position < position)
      .reduce((l, e) => evolveConsents(l, e as unknown as PersonEvent), new Map() as ConsentLedger);
    this.ledgers.set(personId, ledger);
    return ledger;
  }

  /** Folds a person event into the cached ledger (after `before` loaded it). */
  apply(personId: string, event: OpenedEvent): ConsentLedger {
    const next = evolveConsents(this.ledgers.get(personId) ?? new Map(), event as unknown as PersonEvent);
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
}

import { AgencyProfile, AgreementVersion, HubEvent } from '@onestop/domain';
import { EventStore, RecordedEvent } from '@onestop/event-store';

/**
 * The partnership as it stands: registered agencies and every published agreement version,
 * folded from the `agency-*` and `agreement-*` streams. It catches up by reading the store
 * from its last position, so replicas sharing a store converge; `catchUp()` after an admin
 * write makes the change visible to the next request of this process.
 */
export class PartnershipDirectory {
  private position: number | undefined;
  private readonly agencies = new Map<string, AgencyProfile>();
  private readonly versions: AgreementVersion[] = [];
  private pending?: Promise<void>;

  constructor(private readonly store: EventStore) {}

  /** Reads every event recorded since the last catch-up; concurrent calls share one read. */
  catchUp(): Promise<void> {
    this.pending ??= this.readNew().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async readNew(): Promise<void> {
    for (;;) {
      const page = await this.store.readAll({ after: this.position, maxCount: 1000 });
      page.forEach((e) => this.apply(e));
      if (page.length < 1000) return;
    }
  }

  private apply(recorded: RecordedEvent): void {
    this.position = recorded.position;
    const event = { type: recorded.type, data: recorded.data } as HubEvent;
    if (event.type === 'AgencyRegistered.v1' || event.type === 'AgencyUpdated.v1') this.agencies.set(event.data.agencyId, event.data);
    if (event.type === 'AgreementVersionPublished.v1') this.versions.push(event.data);
  }

  agency(agencyId: string): AgencyProfile | undefined {
    return this.agencies.get(agencyId);
  }

  allAgencies(): AgencyProfile[] {
    return [...this.agencies.values()].sort((a, b) => a.agencyId.localeCompare(b.agencyId));
  }

  agencyIds(): ReadonlySet<string> {
    return new Set(this.agencies.keys());
  }

  /** The kind of every registered agency, by id. */
  agencyKinds(): ReadonlyMap<string, string> {
    return new Map([...this.agencies.values()].map((a) => [a.agencyId, a.kind]));
  }

  agencyByIssuer(issuer: string): AgencyProfile | undefined {
    return [...this.agencies.values()].find((a) => a.issuer === issuer);
  }

  /** Every version of every agreement, in publication order. */
  agreementVersions(): readonly AgreementVersion[] {
    return this.versions;
  }

  get lastPosition(): number | undefined {
    return this.position;
  }
}

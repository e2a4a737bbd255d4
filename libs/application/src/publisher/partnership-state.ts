import { AgencyProfile, AgreementVersion } from '@onestop/domain';
import { OpenedEvent } from '../event-repository';

/**
 * The partnership as the publisher has seen it so far in the global order: agencies
 * registered and agreement versions published before the event being decided. Folding it
 * in-stream makes every decision replayable: a rebuild decides each event against exactly
 * the same partnership.
 */
export class PartnershipState {
  readonly agencies = new Map<string, AgencyProfile>();
  readonly agreements: AgreementVersion[] = [];
  /** `agencyList()`, until an agency changes. */
  private sorted?: readonly AgencyProfile[];

  /** Applies an admin event; returns the agreement version when one was published. */
  apply(event: OpenedEvent): AgreementVersion | undefined {
    if (event.type === 'AgencyRegistered.v1' || event.type === 'AgencyUpdated.v1') {
      const profile = event.data as AgencyProfile;
      this.agencies.set(profile.agencyId, profile);
      this.sorted = undefined;
    }
    if (event.type === 'AgreementVersionPublished.v1') {
      const version = event.data as AgreementVersion;
      this.agreements.push(version);
      return version;
    }
    return undefined;
  }

  snapshot(): string {
    return JSON.stringify({ agencies: [...this.agencies.values()], agreements: this.agreements });
  }

  static restore(snapshot: string | undefined): PartnershipState {
    const state = new PartnershipState();
    if (!snapshot) return state;
    const parsed = JSON.parse(snapshot) as { agencies: AgencyProfile[]; agreements: AgreementVersion[] };
    parsed.agencies.forEach((a) => state.agencies.set(a.agencyId, a));
    state.agreements.push(...parsed.agreements);
    return state;
  }

  /** Agencies in id order (a stable fan-out order). */
  agencyList(): readonly AgencyProfile[] {
    this.sorted ??= [...this.agencies.values()].sort((a, b) => (a.agencyId < b.agencyId ? -1 : 1));
    return this.sorted;
  }
}

import { Pseudonymizer } from '@onestop/crypto';
import { RecentValues } from './recent-values';

/**
 * Each agency's pseudonym of each person, remembered: the publisher needs the same few for every
 * message about a person, and each is an HMAC. Pseudonyms never change, so nothing goes stale.
 */
export class AgencyPseudonyms {
  private readonly known: RecentValues<string>;

  constructor(
    private readonly pseudonymizer: Pseudonymizer,
    capacity = 20_000,
  ) {
    this.known = new RecentValues(capacity);
  }

  of(agencyId: string, personId: string): string {
    const key = `${agencyId}\u0000${personId}`;
    let pseudonym = this.known.get(key);
    if (pseudonym === undefined) {
      pseudonym = this.pseudonymizer.pseudonym(agencyId, personId);
      this.known.set(key, pseudonym);
    }
    return pseudonym;
  }
}

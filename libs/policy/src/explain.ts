import { Category } from '@onestop/domain';
import { GrantQuestion, groundsByGrant } from './decide';
import { Ground } from './policy.types';

/** One sentence naming a ground: "permitted by agreement X v3, grant 2, basis public-task". */
export function describeGround(ground: Ground): string {
  if (ground.kind === 'own-record') return 'recorded by this agency (its own record)';
  if (ground.kind === 'party') return 'this agency raised the referral (a party to it, told of its progress)';
  const consent = ground.consentId ? ` with consent ${ground.consentId}` : '';
  return `permitted by agreement ${ground.agreementId} v${ground.version}, grant ${ground.grant}, basis ${ground.basis}${consent}`;
}

/** Per category, whether the agency could receive it at `at` for the purpose, and why. */
export interface CategoryExplanation {
  category: Category;
  permitted: boolean;
  ground?: Ground;
  explanation: string;
}

/**
 * Why an agency could or could not see each category of a person's data at a moment: the
 * decision replayed for every category with the agreements and consents in force then.
 */
export function explainCategories(input: GrantQuestion): CategoryExplanation[] {
  return [...groundsByGrant(input)].map(([category, found]) => {
    if ('reason' in found) return { category, permitted: false, explanation: found.reason };
    return { category, permitted: true, ground: found, explanation: describeGround(found) };
  });
}

import { deepFreeze } from '../deep-freeze';
import { withMemo } from '../reads/event-memo';
import { shownBy } from './access-records';

describe('shownBy (what an access record says was seen)', () => {
  it('lists each field path and category once, sorted; the hub id counts as identity', () => {
    const shown = shownBy([
      { type: 'PersonRegistered.v1', data: { personId: 'p-1', name: 'A', dateOfBirth: '1990-01-01' } },
      { type: 'NeedsAssessed.v1', data: { personId: 'p-1', assessmentId: 'a-1', needs: { accommodation: { level: 'high' }, 'substance-use': { level: 'low' } } } },
      { type: 'NeedsAssessed.v1', data: { personId: 'p-1', assessmentId: 'a-2', needs: { accommodation: { level: 'medium' } } } },
    ]);
    expect(shown).toEqual({
      fields: ['assessmentId', 'dateOfBirth', 'name', 'needs.accommodation', 'needs.substance-use', 'personId'],
      categories: ['accommodation', 'identity', 'substance-use', 'support-plan'],
    });
  });

  it('ignores what the catalogue does not classify: unknown types, unknown fields, keys that name no need, undefined values', () => {
    const shown = shownBy([
      { type: 'AgreementPublished.v1', data: { agreementId: 'x' } },
      { type: 'NeedsAssessed.v1', data: { stray: 1, needs: { nonsense: {}, accommodation: {} }, assessmentId: undefined } },
      { type: 'NeedsAssessed.v1', data: { needs: 'not an object' } },
    ]);
    expect(shown).toEqual({ fields: ['needs.accommodation'], categories: ['accommodation'] });
  });

  it('gives the same for a shared event read again (worked out once, kept in its memo) as for a plain copy, worked out each time', () => {
    const frozen = deepFreeze(withMemo({ type: 'NeedsAssessed.v1', data: { personId: 'p-1', needs: { finances: { level: 'low' } } } }));
    const expected = { fields: ['needs.finances', 'personId'], categories: ['finances', 'identity'] };
    expect(shownBy([frozen])).toEqual(expected);
    expect(shownBy([frozen, frozen])).toEqual(expected);
    const copy = { type: 'NeedsAssessed.v1', data: { personId: 'p-1', needs: { finances: { level: 'low' } } as Record<string, unknown> } };
    expect(shownBy([copy])).toEqual(expected);
    copy.data.needs = { offending: { level: 'high' } };
    expect(shownBy([copy, frozen])).toEqual({ fields: ['needs.finances', 'needs.offending', 'personId'], categories: ['finances', 'identity', 'offending'] });
  });
});

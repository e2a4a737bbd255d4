import { deepFreeze } from '../deep-freeze';
import { memoOf, withMemo } from './event-memo';
import { historyJson, HistoryView } from './history-json';
import type { VisibleEvent } from './person-reader';

const event = (id: string, data: Record<string, unknown>): VisibleEvent =>
  deepFreeze(withMemo<VisibleEvent>({
    id,
    type: 'NeedsAssessed.v1',
    stream: 'person-1',
    revision: 3,
    occurredAt: '2026-03-02T09:00:00.000Z',
    recordedBy: 'hope',
    data,
    basis: 'consent',
    explanation: { kind: 'grant', agreementId: 'onestop', version: 2, grant: 4, basis: 'consent', consentId: 'c-1' },
  }));

describe('historyJson: the body of a history read', () => {
  const events = [
    event('e-1', { needs: { accommodation: { level: 'high', summary: 'Sleeping rough — near the café 🏠' } }, personId: 'p-1' }),
    event('e-2', { note: 'Said "not today"\nline two \u2028 and a tab\t, </script>', score: 0.1, flags: [true, null], missing: undefined }),
    event('e-3', {}),
  ];

  it.each<[string, HistoryView]>([
    ['with events', { pseudonym: 'ps-Ab3', purpose: 'direct-support', events }],
    ['with none', { pseudonym: 'ps-Ab3', purpose: 'referral', events: [] }],
    ['with one', { pseudonym: 'ps-"quoted"', purpose: 'referral', events: events.slice(1, 2) }],
    ['under a break-glass grant', { pseudonym: 'ps-Ab3', purpose: 'direct-support', events, breakGlass: { grantId: 'g-1', basis: 'vital-interests', until: '2026-03-03T09:00:00.000Z' } }],
    ['of plain events (no memo)', { pseudonym: 'ps-Ab3', purpose: 'direct-support', events: events.map((e) => ({ ...e })) }],
  ])('is JSON.stringify of the view, byte for byte, as UTF-8 (%s)', (name, view) => {
    const expected = Buffer.from(JSON.stringify(view));
    expect(historyJson(view).equals(expected)).toBe(true);
    // The second time, from the events' JSON made the first time and kept in their memos.
    expect(view.events.map((e) => memoOf(e)?.json !== undefined)).toEqual(view.events.map(() => !name.startsWith('of plain')));
    expect(historyJson(view).equals(expected)).toBe(true);
  });

});

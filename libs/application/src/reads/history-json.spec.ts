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
  const shared = () => [
    event('e-1', { needs: { accommodation: { level: 'high', summary: 'Sleeping rough — near the café 🏠' } }, personId: 'p-1' }),
    event('e-2', { note: 'Said "not today"\nline two \u2028 and a tab\t, </script>', score: 0.1, flags: [true, null], missing: undefined }),
    event('e-3', {}),
  ];
  const breakGlass = { grantId: 'g-1', basis: 'vital-interests', until: '2026-03-03T09:00:00.000Z' };

  it.each<[string, () => HistoryView]>([
    ['with events', () => ({ pseudonym: 'ps-Ab3', purpose: 'direct-support', events: shared() })],
    ['with none', () => ({ pseudonym: 'ps-Ab3', purpose: 'referral', events: [] })],
    ['with one', () => ({ pseudonym: 'ps-"quoted"', purpose: 'referral', events: shared().slice(1, 2) })],
    ['under a break-glass grant', () => ({ pseudonym: 'ps-Ab3', purpose: 'direct-support', events: shared(), breakGlass })],
    ['of plain events (no memo)', () => ({ pseudonym: 'ps-Ab3', purpose: 'direct-support', events: shared().map((e) => ({ ...e })) })],
  ])('is JSON.stringify of the view, byte for byte, as UTF-8, every time it is sent (%s)', (name, make) => {
    const view = make();
    const expected = Buffer.from(JSON.stringify(view));
    const kept = () => view.events.map((e) => memoOf(e)?.json !== undefined);
    expect(historyJson(view).equals(expected)).toBe(true);
    expect(kept()).toEqual(view.events.map(() => false));
    // Sent again: a shared event's JSON is made on its own and kept; the third time it is copied.
    expect(historyJson(view).equals(expected)).toBe(true);
    expect(kept()).toEqual(view.events.map(() => !name.startsWith('of plain')));
    expect(historyJson(view).equals(expected)).toBe(true);
  });

  it('is JSON.stringify of the view when events sent before, sent once and new are interleaved', () => {
    const [a, b, c] = shared();
    const [d, e] = shared();
    historyJson({ pseudonym: 'ps-1', purpose: 'referral', events: [a, b] });
    historyJson({ pseudonym: 'ps-1', purpose: 'referral', events: [a] });
    const view = { pseudonym: 'ps-1', purpose: 'referral', events: [c, a, { ...d }, b, e, d], breakGlass };
    expect(historyJson(view).toString('utf8')).toBe(JSON.stringify(view));
    expect(historyJson(view).toString('utf8')).toBe(JSON.stringify(view));
  });
});

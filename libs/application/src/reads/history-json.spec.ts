import { deepFreeze } from '../deep-freeze';
import { memoOf, withMemo } from './event-memo';
import { HistoryBodies, historyJson, HistoryView } from './history-json';
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

describe('HistoryBodies: the last body of each reader, sent again while the events are the same', () => {
  const events = () => [event('e-1', { note: 'first' }), event('e-2', { note: 'second' })];
  const view = (evs: VisibleEvent[], purpose = 'direct-support', pseudonym = 'ps-1'): HistoryView => ({ pseudonym, purpose, events: evs });
  const same = (body: Buffer, v: HistoryView) => expect(body.toString('utf8')).toBe(JSON.stringify(v));
  /** No one erased while the events were read: as many erasures then as now. */
  const at = (erasures: number) => ({ whenRead: erasures, now: erasures });

  it('sends the very same bytes for the same events, and new bytes once an event is new or the view differs', () => {
    const bodies = new HistoryBodies();
    const [a, b] = events();
    const first = bodies.json(view([a, b]), at(0));
    same(first, view([a, b]));
    expect(bodies.json(view([a, b]), at(0))).toBe(first);
    // A copy of an event's content is not the event: its decision may differ, so it is made afresh.
    const [a2] = events();
    const changed = bodies.json(view([a2, b]), at(0));
    expect(changed).not.toBe(first);
    same(changed, view([a2, b]));
    const appended = bodies.json(view([a2, b, a]), at(0));
    same(appended, view([a2, b, a]));
    const otherPurpose = bodies.json(view([a2, b, a], 'referral'), at(0));
    same(otherPurpose, view([a2, b, a], 'referral'));
    const otherReader = bodies.json(view([a2, b, a], 'direct-support', 'ps-2'), at(0));
    same(otherReader, view([a2, b, a], 'direct-support', 'ps-2'));
    expect(bodies.json(view([a2, b, a]), at(0))).toBe(appended);
    expect(bodies.json(view([a2, b, a], 'referral'), at(0))).toBe(otherPurpose);
  });

  it('forgets every body when a person is erased', () => {
    const bodies = new HistoryBodies();
    const evs = events();
    const first = bodies.json(view(evs), at(3));
    expect(bodies.size).toBe(first.length + 8 * evs.length);
    const after = bodies.json(view(evs, 'referral'), at(4));
    expect(bodies.size).toBe(after.length + 8 * evs.length);
    const again = bodies.json(view(evs), at(4));
    expect(again).not.toBe(first);
    same(again, view(evs));
  });

  it('keeps nothing from a read during which someone was erased', () => {
    const bodies = new HistoryBodies();
    const evs = events();
    const during = bodies.json(view(evs), { whenRead: 4, now: 5 });
    same(during, view(evs));
    expect(bodies.size).toBe(0);
    expect(bodies.json(view(evs), at(5))).not.toBe(during);
  });

  it('holds the events only by number: what it keeps is the bytes and eight more per event', () => {
    const bodies = new HistoryBodies();
    const evs = events();
    const body = bodies.json(view(evs), at(0));
    expect(bodies.size).toBe(body.length + 8 * evs.length);
  });

  it('keeps no more bytes than its bound, dropping the least recently sent', () => {
    const evs = events();
    const size = historyJson(view(evs)).length + 8 * evs.length;
    const bodies = new HistoryBodies(2 * size + 10);
    const one = bodies.json(view(evs, 'direct-support', 'ps-1'), at(0));
    const two = bodies.json(view(evs, 'direct-support', 'ps-2'), at(0));
    expect(bodies.json(view(evs, 'direct-support', 'ps-1'), at(0))).toBe(one);
    bodies.json(view(evs, 'direct-support', 'ps-3'), at(0));
    expect(bodies.size).toBeLessThanOrEqual(2 * size + 10);
    expect(bodies.json(view(evs, 'direct-support', 'ps-1'), at(0))).toBe(one);
    const twoAgain = bodies.json(view(evs, 'direct-support', 'ps-2'), at(0));
    expect(twoAgain).not.toBe(two);
    same(twoAgain, view(evs, 'direct-support', 'ps-2'));
  });

  it('makes a break-glass history, or one with events that are not frozen and shared, afresh every time', () => {
    const bodies = new HistoryBodies();
    const evs = events();
    const breakGlass = { grantId: 'g-1', basis: 'vital-interests', until: '2026-03-03T09:00:00.000Z' };
    const glass = { ...view(evs), breakGlass };
    const first = bodies.json(glass, at(0));
    same(first, glass);
    expect(bodies.json(glass, at(0))).not.toBe(first);
    const plain = view(evs.map((e) => ({ ...e })));
    const once = bodies.json(plain, at(0));
    same(once, plain);
    expect(bodies.json(plain, at(0))).not.toBe(once);
    expect(bodies.size).toBe(0);
  });
});

import { newEventId } from './event-ids';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const msOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('newEventId', () => {
  it('makes RFC 9562 version 7 UUIDs carrying the millisecond they were made', () => {
    const now = Date.parse('2027-03-01T09:30:00.123Z');
    const id = newEventId(now);
    expect(id).toMatch(UUID_V7);
    expect(msOf(id)).toBe(now);
  });

  it('only ever increases: within one millisecond, and when the clock steps back', () => {
    const start = Date.parse('2027-03-02T00:00:00.000Z');
    const ids = [
      ...Array.from({ length: 1000 }, () => newEventId(start)),
      ...Array.from({ length: 1000 }, () => newEventId(start - 5_000)),
      ...Array.from({ length: 10 }, (_, i) => newEventId(start + 1 + i)),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i += 1) expect(ids[i] > ids[i - 1]).toBe(true);
    ids.forEach((id) => expect(id).toMatch(UUID_V7));
  });

  it('borrows the next millisecond once 4,096 ids have been made in one', () => {
    const start = Date.parse('2027-03-03T00:00:00.000Z');
    const ids = Array.from({ length: 5000 }, () => newEventId(start));
    expect(msOf(ids[0])).toBe(start);
    expect(msOf(ids[ids.length - 1])).toBe(start + 1);
    for (let i = 1; i < ids.length; i += 1) expect(ids[i] > ids[i - 1]).toBe(true);
  });

  it('keeps 62 random bits, so ids of the same instant from two processes differ', () => {
    const now = Date.parse('2027-03-04T00:00:00.000Z');
    const tails = new Set(Array.from({ length: 200 }, () => newEventId(now).slice(19)));
    expect(tails.size).toBe(200);
  });
});

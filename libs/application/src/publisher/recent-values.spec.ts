import { RecentValues } from './recent-values';

describe('RecentValues', () => {
  it('forgets the least recently used entry once past its capacity', () => {
    const recent = new RecentValues<number>(2);
    recent.set('a', 1);
    recent.set('b', 2);
    expect(recent.get('a')).toBe(1);
    recent.set('c', 3);
    expect(recent.get('b')).toBeUndefined();
    expect([recent.get('a'), recent.get('c')]).toEqual([1, 3]);
  });

  it('replaces a value in place, and holds null as a value', () => {
    const recent = new RecentValues<number | null>(2);
    recent.set('a', 1);
    recent.set('a', null);
    recent.set('b', 2);
    expect(recent.get('a')).toBeNull();
    recent.clear();
    expect(recent.get('b')).toBeUndefined();
  });
});

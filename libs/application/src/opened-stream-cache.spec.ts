import type { OpenedEvent } from './event-repository';
import { OpenedStreamCache } from './opened-stream-cache';

const events = (from: number, count: number): OpenedEvent[] =>
  Array.from({ length: count }, (_, i) => ({ id: `e${from + i}`, revision: from + i }) as unknown as OpenedEvent);

describe('opened stream cache', () => {
  it('extends a stream only with the events that follow the cached ones', () => {
    const cache = new OpenedStreamCache(100);
    expect(cache.get('s', 0)).toBeUndefined();
    cache.extend('s', 0, events(0, 3));
    cache.extend('s', 0, events(3, 2));
    expect(cache.get('s', 0)?.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4]);
    expect(cache.holds('s')).toBe(true);
    expect(cache.holds('other')).toBe(false);
    cache.extend('s', 0, events(3, 1)); // two readers raced: the stream is forgotten, not corrupted
    expect(cache.get('s', 0)).toBeUndefined();
  });

  it('forgets everything once the erasure count moves', () => {
    const cache = new OpenedStreamCache(100);
    cache.get('s', 0);
    cache.extend('s', 0, events(0, 2));
    expect(cache.get('s', 1)).toBeUndefined();
    expect(cache.get('s', 1)).toBeUndefined();
    cache.extend('s', 0, events(0, 2)); // opened before the erasure was seen: not kept
    expect(cache.get('s', 1)).toBeUndefined();
  });

  it('keeps at most its bound of events, dropping the least recently used streams first', () => {
    const cache = new OpenedStreamCache(5);
    cache.get('a', 0);
    cache.extend('a', 0, events(0, 2));
    cache.extend('b', 0, events(0, 2));
    cache.get('a', 0);
    cache.extend('c', 0, events(0, 2));
    expect(cache.get('b', 0)).toBeUndefined();
    expect(cache.get('a', 0)).toHaveLength(2);
    expect(cache.get('c', 0)).toHaveLength(2);
    cache.extend('d', 0, events(0, 6));
    expect(cache.get('d', 0)).toBeUndefined();
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { RETRACTION_TYPE, SqliteFeed, type HubCloudEvent, type Outbound, type RetractionData } from '@onestop/delivery';
import {
  describeDeliveryContract,
  expectDelivered,
  pseudonym,
  testOutbound,
  testStream,
  uniqueAgencyId,
} from '@onestop/delivery/testing';
import { openDatabase } from '@onestop/event-store';

/** Every message of the agency, page by page, as an integrator would read `GET /v1/feed`. */
function readAll(feed: SqliteFeed, agencyId: string): HubCloudEvent[] {
  const messages: HubCloudEvent[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = feed.read(agencyId, cursor, 100);
    if (page.messages.length === 0) return messages;
    messages.push(...page.messages);
    cursor = page.cursor;
  }
}

interface FeedFile {
  file: string;
  open(): { db: Database; feed: SqliteFeed };
  remove(): void;
}

function feedFile(): FeedFile {
  const dir = mkdtempSync(join(tmpdir(), 'onestop-feed-'));
  const file = join(dir, 'hub.db');
  return {
    file,
    open: () => {
      const db = openDatabase(file);
      return { db, feed: new SqliteFeed(db) };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

describeDeliveryContract('SqliteFeed (SQLite file)', async () => {
  const store = feedFile();
  let { db, feed } = store.open();
  return {
    delivery: feed,
    read: async (agencyId) => readAll(feed, agencyId),
    restart: async () => {
      await feed.close();
      db.close();
      ({ db, feed } = store.open());
      return feed;
    },
    cleanup: async () => {
      await feed.close();
      db.close();
      store.remove();
    },
  };
});

describe('SqliteFeed', () => {
  let store: FeedFile;
  let db: Database;
  let feed: SqliteFeed;

  beforeEach(() => {
    store = feedFile();
    ({ db, feed } = store.open());
  });

  afterEach(async () => {
    await feed.close();
    db.close();
    store.remove();
  });

  it('stores a redelivered message once per agency', async () => {
    const agencyId = uniqueAgencyId('once');
    const batch = testStream([agencyId], 3, 20);
    await feed.deliver(batch);
    await feed.deliver(batch);

    expect(readAll(feed, agencyId).map((m) => m.id)).toEqual(batch.map((o) => o.message.id));
  });

  it('pages with a cursor: limit honoured, no gaps, no repeats, cursor unchanged at the end', async () => {
    const agencyId = uniqueAgencyId('paging');
    const batch = testStream([agencyId, uniqueAgencyId('other')], 4, 50);
    await feed.deliver(batch);

    const first = feed.read(agencyId, undefined, 10);
    const second = feed.read(agencyId, first.cursor, 10);
    const rest = feed.read(agencyId, second.cursor, 100);
    const end = feed.read(agencyId, rest.cursor, 100);

    expect([first.messages.length, second.messages.length, rest.messages.length]).toEqual([10, 10, 5]);
    expectDelivered([...first.messages, ...second.messages, ...rest.messages], batch.filter((o) => o.agencyId === agencyId));
    expect(end).toEqual({ messages: [], cursor: rest.cursor });
  });

  it('reads from the start for a missing or malformed cursor', async () => {
    const agencyId = uniqueAgencyId('cursor');
    const one = testOutbound(agencyId, pseudonym());
    await feed.deliver([one]);

    expect(feed.read(agencyId, '', 10).messages).toEqual([one.message]);
    expect(feed.read(agencyId, 'not-a-cursor', 10).messages).toEqual([one.message]);
  });

  it('reports the head cursor of each agency', async () => {
    const [a, b] = [uniqueAgencyId('head-a'), uniqueAgencyId('head-b')];
    expect(feed.head(a)).toBe('0');
    await feed.deliver(testStream([a], 2, 7));

    const all = feed.read(a, undefined, 100);
    expect(feed.head(a)).toBe(all.cursor);
    expect(feed.read(a, feed.head(a), 100).messages).toEqual([]);
    expect(feed.head(b)).toBe('0');
  });

  it('notifies listeners of the agency that received new messages, and only when something was stored', async () => {
    const [a, b] = [uniqueAgencyId('notify-a'), uniqueAgencyId('notify-b')];
    const calls = { a: 0, b: 0 };
    const offA = feed.onDelivered(a, () => (calls.a += 1));
    feed.onDelivered(b, () => (calls.b += 1));
    const any: string[] = [];
    const offAny = feed.onAnyDelivered((agencyId) => any.push(agencyId));

    const batch = testStream([a], 2, 5);
    await feed.deliver(batch);
    await feed.deliver(batch); // nothing new
    expect(calls).toEqual({ a: 1, b: 0 });

    offA();
    await feed.deliver(testStream([a, b], 1, 2));
    expect(calls).toEqual({ a: 1, b: 1 });
    expect(any).toEqual([a, a, b]);
    offAny();
  });

  it('withdraws what a retraction names: no read serves it again, not even after redelivery, and its data is gone from the file', async () => {
    const [agencyId, other] = [uniqueAgencyId('retract'), uniqueAgencyId('keeps')];
    const person = pseudonym();
    const [kept, withdrawn] = [testOutbound(agencyId, person), testOutbound(agencyId, person)];
    withdrawn.message.data = { ...withdrawn.message.data, note: 'Disclosed under consent: Zebedee Quux' };
    const elsewhere = { ...withdrawn, agencyId: other };
    await feed.deliver([kept, withdrawn, elsewhere]);
    const cursorBefore = feed.read(agencyId, undefined, 1).cursor;

    const data: RetractionData = { retractedIds: [withdrawn.message.id], reason: 'consent-withdrawn', causeId: 'cause-1' };
    const retraction: Outbound = { agencyId, key: person, message: { ...kept.message, id: `retraction-${person}`, type: RETRACTION_TYPE, data: data as never } };
    await feed.deliver([retraction]);
    await feed.deliver([kept, withdrawn]); // a redelivery or a rebuild

    expect(readAll(feed, agencyId).map((m) => m.id)).toEqual([kept.message.id, retraction.message.id]);
    expect(feed.read(agencyId, cursorBefore, 10).messages.map((m) => m.id)).toEqual([retraction.message.id]);
    expect(feed.readWithCursors(agencyId, undefined, 10).map((m) => m.message.id)).toEqual([kept.message.id, retraction.message.id]);
    expect(readAll(feed, other).map((m) => m.id)).toEqual([withdrawn.message.id]); // another agency's copy is its own
    const stored = db.prepare("SELECT COUNT(*) FROM feed_messages WHERE agency_id = ? AND body LIKE '%Zebedee%'").pluck().get(agencyId);
    expect(stored).toBe(0);
  });

  it('lets a second instance on the same file read what the first stored', async () => {
    const agencyId = uniqueAgencyId('second');
    const other = store.open();
    try {
      const batch = testStream([agencyId], 3, 12);
      await feed.deliver(batch);

      expectDelivered(readAll(other.feed, agencyId), batch);
      expect(other.feed.head(agencyId)).toBe(feed.head(agencyId));
    } finally {
      await other.feed.close();
      other.db.close();
    }
  });
});

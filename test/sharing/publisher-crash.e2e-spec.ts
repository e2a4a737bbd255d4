import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubRuntime } from '@onestop/application';
import { TestHub } from '../support/hub-harness';
import { HubProcess } from '../support/hub-process';
import { Partnership } from './partnership';

/**
 * The publisher as its own process, killed with SIGKILL in the middle of its work and started
 * again: every agency's feed ends up exactly as a clean run over the same store makes it —
 * each message once, with the same content and signature, in the same order.
 */
const PEOPLE = 300;
const SOURCE_AUDIENCE = 'onestop-hub';

interface FeedRow {
  agency_id: string;
  message_id: string;
  body: string;
}

const feedRows = (runtime: HubRuntime): FeedRow[] =>
  runtime.db.prepare('SELECT agency_id, message_id, body FROM feed_messages ORDER BY seq').all() as FeedRow[];
const disclosures = (runtime: HubRuntime) =>
  runtime.db.prepare('SELECT agency_id, message_id, event_id, fields, grounds, consent_based, retracted_by FROM pub_disclosures ORDER BY agency_id, message_id').all();
const checkpoint = (runtime: HubRuntime) => (runtime.db.prepare("SELECT position FROM pub_checkpoints WHERE name = 'publisher'").pluck().get() as number | undefined) ?? 0;

/** Message ids per agency and subject, in feed order. */
function orderPerPerson(rows: FeedRow[]): Map<string, string[]> {
  const order = new Map<string, string[]>();
  for (const r of rows.filter((r) => r.body !== '')) {
    // (A message a later retraction withdrew has no body left; its place is compared above.)
    const key = `${r.agency_id} ${(JSON.parse(r.body) as { subject: string }).subject}`;
    order.set(key, [...(order.get(key) ?? []), r.message_id]);
  }
  return order;
}

async function until(test: () => boolean | Promise<boolean>, timeoutMs: number, pollMs = 50): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

describe('a publisher process killed mid-batch', () => {
  let hub: TestHub;
  let p: Partnership;
  let last: number;
  let expected: FeedRow[];
  let expectedDisclosures: unknown[];
  const processes: HubProcess[] = [];
  const copies: string[] = [];

  /** Records the people over HTTP, ten at a time: registration, consent, assessment, check-in; every tenth withdraws. */
  async function recordPeople(): Promise<void> {
    const one = async (i: number) => {
      const personId = await p.register('housing', `Crash Person ${i}`);
      const consentId = i % 3 === 2 ? undefined : await p.consent('hope', personId);
      await p.assess('hope', personId, 'accommodation', 'substance-use', i % 2 ? 'mental-health' : 'physical-health', 'offending');
      await p.checkIn('police', personId, `Week ${i}`, 'offending', 'substance-use');
      if (consentId && i % 10 === 0) await p.withdraw('hope', personId, consentId);
    };
    for (let i = 0; i < PEOPLE; i += 10) await Promise.all(Array.from({ length: 10 }, (_, k) => one(i + k)));
  }

  /** What a publisher that never crashed delivers over the same store: run in a copy of the data directory. */
  async function cleanRun(): Promise<void> {
    const copy = mkdtempSync(join(tmpdir(), 'onestop-clean-'));
    copies.push(copy);
    cpSync(join(hub.dataDir, 'secrets'), join(copy, 'secrets'), { recursive: true });
    await hub.runtime.db.backup(join(copy, 'hub.db'));
    const runtime = await HubRuntime.open({ dataDir: copy, store: 'sqlite', source: `urn:onestop:${SOURCE_AUDIENCE}` });
    const publisher = runtime.startPublisher({ feed: true });
    expect(await publisher.waitFor(last, 60_000)).toBe(true);
    expected = feedRows(runtime);
    expectedDisclosures = disclosures(runtime);
    await runtime.close();
  }

  const startPublisher = async () => {
    const child = await HubProcess.start('publisher', { HUB_DATA_DIR: hub.dataDir, HUB_AUDIENCE: SOURCE_AUDIENCE, HUB_DELIVERY: 'feed', HUB_PUBLISHER_LEASE_MS: '2000' });
    processes.push(child);
    return child;
  };

  beforeAll(async () => {
    hub = await TestHub.start({ publisher: false });
    p = await Partnership.build(hub);
    await recordPeople();
    last = (await hub.runtime.store.readAll({ direction: 'backwards', maxCount: 1 }))[0].position;
    await cleanRun();
  }, 120_000);

  afterAll(async () => {
    for (const child of processes) await child.kill();
    await hub.close();
    copies.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  });

  it('loses nothing, duplicates nothing and keeps each person\'s order after SIGKILL and restart', async () => {
    expect(expected.length).toBeGreaterThan(PEOPLE * 5);
    expect(feedRows(hub.runtime)).toHaveLength(0);

    // killed twice: as soon as the first messages are out (before their batch is journalled), then half-way
    for (const threshold of [1, Math.floor(expected.length / 2)]) {
      const child = await startPublisher();
      await until(() => feedRows(hub.runtime).length >= threshold, 60_000, 1);
      await child.kill('SIGKILL');
      const atKill = { rows: feedRows(hub.runtime).length, checkpoint: checkpoint(hub.runtime) };
      expect(atKill.rows).toBeLessThan(expected.length);
      expect(atKill.checkpoint).toBeLessThan(last);
    }

    const final = await startPublisher();
    await until(() => checkpoint(hub.runtime) >= last, 60_000);
    await final.kill('SIGTERM');

    const actual = feedRows(hub.runtime);
    const key = (r: FeedRow) => `${r.agency_id} ${r.message_id}`;
    expect(new Set(actual.map(key)).size).toBe(actual.length);
    expect(new Map(actual.map((r) => [key(r), r.body]))).toEqual(new Map(expected.map((r) => [key(r), r.body])));
    expect(orderPerPerson(actual)).toEqual(orderPerPerson(expected));
    expect(disclosures(hub.runtime)).toEqual(expectedDisclosures);
    expect(final.log).not.toMatch(/publisher: /); // no delivery errors after the restart
  }, 120_000);
});

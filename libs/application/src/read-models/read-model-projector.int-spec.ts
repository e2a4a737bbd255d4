import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { personDecider } from '@onestop/domain';
import { HubRuntime } from '../runtime/hub-runtime';

describe('ReadModelProjector on the hub file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onestop-projector-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const register = async (runtime: HubRuntime): Promise<string> => {
    const personId = randomUUID();
    const metadata = { recordedBy: 'outreach', actor: 'int-spec', purpose: 'direct-support' as const, occurredAt: runtime.nowIso(), personId };
    const command = { type: 'RegisterPerson' as const, personId, name: 'Rhys Evans', dateOfBirth: '1979-02-11', identifiers: {}, contact: {} };
    await runtime.repository.execute(`person-${personId}`, personDecider, command, { now: runtime.nowIso(), knownAgencies: new Set<string>() }, metadata);
    return personId;
  };
  const indexed = (runtime: HubRuntime, personId: string) => runtime.db.prepare('SELECT name_index FROM rm_people WHERE person_id = ?').pluck().get(personId);

  it('applies a pass and leaves the connection fsyncing every later commit (the pass itself commits without waiting for the disk)', async () => {
    const runtime = await HubRuntime.open({ dataDir: dir, store: 'sqlite' });
    try {
      const personId = await register(runtime);
      await runtime.projector.catchUp();
      expect(indexed(runtime, personId)).toBe(runtime.blindIndex.name('Rhys Evans'));
      // The next append (an event, an audit record) is durable on its own again.
      expect(runtime.db.pragma('synchronous', { simple: true })).toBe(2);
    } finally {
      await runtime.close();
    }
  });

  it('finds its pass and checkpoint on the file after a reopen, and goes on from there', async () => {
    const runtime = await HubRuntime.open({ dataDir: dir, store: 'sqlite' });
    try {
      const people = runtime.db.prepare('SELECT COUNT(*) FROM rm_people').pluck().get();
      expect(people).toBe(1);
      const personId = await register(runtime);
      await runtime.projector.catchUp();
      expect(indexed(runtime, personId)).toBe(runtime.blindIndex.name('Rhys Evans'));
      expect(runtime.db.prepare('SELECT COUNT(*) FROM rm_people').pluck().get()).toBe(2);
    } finally {
      await runtime.close();
    }
  });
});

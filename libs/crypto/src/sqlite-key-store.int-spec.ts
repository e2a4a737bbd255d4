import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { EventCodec } from './event-codec';
import { isSealed, seal, unseal } from './field-cipher';
import { Pseudonymizer } from './pseudonymizer';
import { SqliteKeyStore } from './sqlite-key-store';

/**
 * A handle checks for erasures made elsewhere once per synchronous run of its caller; two handles
 * in one test stand for two processes, whose runs interleave only between turns.
 */
const otherHandlesNextRun = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('personal data sealed under per-person keys', () => {
  let dir: string;
  let file: string;
  const master = randomBytes(32);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'onestop-keys-'));
    file = join(dir, 'hub.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('seals values bound to their event and field, and refuses them elsewhere or under another key', () => {
    const key = randomBytes(32);
    const sealed = seal(key, { name: 'Alex' }, 'event-1:name');
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain('Alex');
    expect(unseal(key, sealed, 'event-1:name')).toEqual({ name: 'Alex' });
    expect(() => unseal(key, sealed, 'event-2:name')).toThrow();
    expect(() => unseal(randomBytes(32), sealed, 'event-1:name')).toThrow();
  });

  it('refuses a sealed value with any part changed, cut short or missing', () => {
    const key = randomBytes(32);
    const sealed = seal(key, { needs: 'a long enough value to change a byte in the middle of it' }, 'event-1:$sealed');
    const [iv, tag, body] = sealed.slice('enc:v1:'.length).split('.');
    const flip = (part: string) => {
      const bytes = Buffer.from(part, 'base64url');
      bytes[bytes.length >> 1] ^= 1;
      return bytes.toString('base64url');
    };
    for (const bad of [
      `enc:v1:${flip(iv)}.${tag}.${body}`,
      `enc:v1:${iv}.${flip(tag)}.${body}`,
      `enc:v1:${iv}.${tag}.${flip(body)}`,
      `enc:v1:${iv}.${tag}.${body.slice(0, -4)}`,
      `enc:v1:${iv}.${tag}`,
      `enc:v1:${iv}${tag}${body}`,
      `enc:v2:${iv}.${tag}.${body}`,
      `${iv}.${tag}.${body}`,
    ]) {
      expect(() => unseal(key, bad, 'event-1:$sealed')).toThrow();
    }
    expect(unseal(key, sealed, 'event-1:$sealed')).toEqual({ needs: 'a long enough value to change a byte in the middle of it' });
  });

  it('keeps one key per person across handles, and a key destroyed through one handle is gone in the other at once', async () => {
    const a = new SqliteKeyStore(new Database(file), master);
    const b = new SqliteKeyStore(new Database(file), master);
    const person = randomUUID();
    const key = a.keyFor(person);
    expect(b.keyFor(person).equals(key)).toBe(true);
    expect(b.findKey(person)).toBeDefined();
    a.destroy(person, '2026-11-26T10:00:00.000Z');
    await otherHandlesNextRun();
    expect(b.findKey(person)).toBeUndefined();
    expect(b.destroyedAt(person)).toBe('2026-11-26T10:00:00.000Z');
    expect(() => b.keyFor(person)).toThrow(expect.objectContaining({ code: 'person.erased' }));
  });

  it('counts erasures across handles, and drops cached keys when another handle destroys any key', async () => {
    const a = new SqliteKeyStore(new Database(file), master);
    const b = new SqliteKeyStore(new Database(file), master);
    const [kept, erased] = [randomUUID(), randomUUID()];
    a.keyFor(kept);
    a.keyFor(erased);
    expect(b.findKey(erased)).toBeDefined();
    const before = b.erasures();
    expect(a.erasures()).toBe(before);
    b.keyFor(randomUUID()); // another handle's writes alone do not count as erasures
    await otherHandlesNextRun();
    expect(a.erasures()).toBe(before);
    a.destroy(erased, '2026-11-26T10:00:00.000Z');
    await otherHandlesNextRun();
    expect(a.erasures()).toBe(before + 1);
    expect(b.erasures()).toBe(before + 1);
    expect(b.findKey(erased)).toBeUndefined();
    expect(b.findKey(kept)?.equals(a.findKey(kept)!)).toBe(true);
  });

  it('opens sealed events until the key is destroyed, then drops the sealed fields and says so', () => {
    const keys = new SqliteKeyStore(new Database(file), master);
    const codec = new EventCodec(keys);
    const personId = randomUUID();
    const event = { id: randomUUID(), type: 'PersonRegistered.v1', personId, data: { personId, name: 'Sam Price', dateOfBirth: '1986-11-02', identifiers: {}, contact: {} } };
    const stored = codec.seal(event);
    expect(JSON.stringify(stored)).not.toContain('Sam Price');
    expect(stored.personId).toBe(personId);
    expect(codec.open({ ...event, data: stored })).toEqual({ data: event.data, erased: false });
    keys.destroy(personId, new Date().toISOString());
    const opened = codec.open({ ...event, data: stored });
    expect(opened.erased).toBe(true);
    expect(opened.data).toEqual({ personId });
  });

  it('seals an event\'s sensitive fields together, bound to the event, and still opens fields sealed one by one', () => {
    const keys = new SqliteKeyStore(new Database(file), master);
    const codec = new EventCodec(keys);
    const personId = randomUUID();
    const data = { personId, checkInId: randomUUID(), changes: { accommodation: { level: 'high', summary: 'sofa surfing' } }, note: 'slept rough twice' };
    const event = { id: randomUUID(), type: 'CheckInRecorded.v1', personId, data };
    const stored = codec.seal(event);
    expect(Object.keys(stored).sort()).toEqual(['$sealed', 'checkInId', 'personId']);
    expect(isSealed(stored.$sealed)).toBe(true);
    expect(codec.open({ ...event, data: stored })).toEqual({ data, erased: false });
    // The sealed fields of one event cannot be passed off as another's.
    const other = { ...event, id: randomUUID() };
    expect(() => codec.open({ ...other, data: { ...codec.seal(other), $sealed: stored.$sealed } })).toThrow();
    // Stored by an earlier version, each field sealed on its own.
    const key = keys.keyFor(personId);
    const apart = { ...data, changes: seal(key, data.changes, `${event.id}:changes`), note: seal(key, data.note, `${event.id}:note`) };
    expect(codec.open({ ...event, data: apart })).toEqual({ data, erased: false });
    keys.destroy(personId, new Date().toISOString());
    expect(codec.open({ ...event, data: stored })).toEqual({ data: { personId, checkInId: data.checkInId }, erased: true });
    expect(codec.open({ ...event, data: apart })).toEqual({ data: { personId, checkInId: data.checkInId }, erased: true });
  });

  it('gives each agency its own stable pseudonym of a person', () => {
    const p = new Pseudonymizer(randomBytes(32));
    const person = randomUUID();
    expect(p.pseudonym('housing', person)).toBe(p.pseudonym('housing', person));
    expect(p.pseudonym('housing', person)).not.toBe(p.pseudonym('police', person));
    expect(p.pseudonym('housing', person)).not.toContain(person);
  });
});

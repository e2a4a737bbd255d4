import { RESOURCE_ID, CommandKind } from './commands';
import { call } from './http-load';

/** A command the hub acknowledged (2xx) before it was killed. */
export interface Acked {
  run: number;
  kind: CommandKind;
  personId: string;
  resourceId: string;
  revision: number;
}

const RESOURCE_FIELDS = Object.values(RESOURCE_ID);

/** The resource id a message or event is about (consent, assessment, check-in or referral id). */
export function resourceOf(data: Record<string, unknown> | undefined): string | undefined {
  return RESOURCE_FIELDS.map((f) => data?.[f]).find((v): v is string => typeof v === 'string');
}

/**
 * Acknowledged commands whose event is not in the store after the restart, looked up in each
 * person's history as the recording agency sees it (its own record: every field); also the
 * resources recorded more than once (a command applied twice).
 */
export async function lostCommands(url: string, token: string, acked: readonly Acked[]): Promise<{ lost: Acked[]; doubled: string[] }> {
  const byPerson = new Map<string, Acked[]>();
  acked.forEach((a) => byPerson.set(a.personId, [...(byPerson.get(a.personId) ?? []), a]));
  const lost: Acked[] = [];
  const doubled: string[] = [];
  for (const [personId, commands] of byPerson) {
    const history = await call<{ events: Array<{ data: Record<string, unknown> }> }>(url, { method: 'GET', path: `/v1/people/${personId}/history`, token });
    const seen = new Map<string, number>();
    history.events.forEach((e) => {
      const id = resourceOf(e.data);
      if (id) seen.set(id, (seen.get(id) ?? 0) + 1);
    });
    for (const c of commands) {
      const times = seen.get(c.resourceId) ?? 0;
      if (times === 0) lost.push(c);
      if (times > 1) doubled.push(c.resourceId);
    }
  }
  return { lost, doubled };
}

/** An agency's feed read through `GET /v1/feed`, kept as message ids per resource. */
export class FeedReader {
  private cursor = '0';
  /** Message ids seen per resource id, in the order read (a repeated id is a redelivery). */
  readonly messages = new Map<string, string[]>();

  constructor(
    private readonly token: string,
    private readonly limit = 500,
  ) {}

  /** Reads everything after the cursor. */
  async catchUp(url: string): Promise<void> {
    for (;;) {
      const page = await call<{ messages: Array<{ id: string; data: Record<string, unknown> }>; cursor: string }>(url, { method: 'GET', path: `/v1/feed?after=${this.cursor}&limit=${this.limit}`, token: this.token });
      for (const m of page.messages) {
        const id = resourceOf(m.data);
        if (id) this.messages.set(id, [...(this.messages.get(id) ?? []), m.id]);
      }
      this.cursor = page.cursor;
      if (page.messages.length < this.limit) return;
    }
  }

  /** Waits until every acknowledged command's message was read (or `timeoutMs` passed); returns those missing. */
  async waitFor(url: string, acked: readonly Acked[], timeoutMs: number): Promise<Acked[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.catchUp(url);
      const missing = acked.filter((a) => !this.messages.has(a.resourceId));
      if (missing.length === 0 || Date.now() > deadline) return missing;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Resources delivered under more than one message id (not allowed) and ids read more than once (allowed). */
  duplicates(): { differentIds: number; sameId: number } {
    let differentIds = 0;
    let sameId = 0;
    for (const ids of this.messages.values()) {
      const distinct = new Set(ids).size;
      if (distinct > 1) differentIds += 1;
      sameId += ids.length - distinct;
    }
    return { differentIds, sameId };
  }
}

import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { HubRuntime } from '@onestop/application';
import type { Principal } from '@onestop/auth';
import { ValidationError } from '@onestop/domain';
import { Caller, Public, Roles } from '../auth/auth.decorators';
import { FeedAcksDto, FeedQueryDto } from '../dto/feed.dto';
import { HUB_RUNTIME } from '../runtime/runtime.tokens';

@ApiTags('agency feed')
@Controller()
export class FeedController {
  constructor(@Inject(HUB_RUNTIME) private readonly runtime: HubRuntime) {}

  @Get('v1/feed')
  @ApiBearerAuth()
  @Roles('system', 'caseworker')
  @ApiOperation({ summary: 'The caller\'s agency\'s messages after a cursor (signed CloudEvents, oldest first)' })
  async feed(@Caller() caller: Principal, @Query() query: FeedQueryDto) {
    const page = this.runtime.feed.read(caller.agencyId, query.after, query.limit ?? 100);
    if (page.messages.length > 0) await this.recordRead(caller, 'feed', { after: query.after ?? '0', cursor: page.cursor, messages: page.messages.length });
    return { agencyId: caller.agencyId, messages: page.messages, cursor: page.cursor };
  }

  @Get('v1/feed/stream')
  @ApiBearerAuth()
  @Roles('system', 'caseworker')
  @ApiProduces('text/event-stream')
  @ApiOperation({ summary: 'Server-sent events of the caller\'s agency\'s messages; resumes after `Last-Event-ID`' })
  async stream(@Caller() caller: Principal, @Req() req: Request, @Res() res: Response) {
    const lastId = req.header('last-event-id') ?? (typeof req.query.after === 'string' ? req.query.after : undefined);
    if (lastId !== undefined && !/^\d{1,15}$/.test(lastId)) throw new ValidationError({ 'Last-Event-ID': 'must be a cursor returned by the feed' });
    await this.recordRead(caller, 'feed-stream', { after: lastId ?? '0' });
    res.status(200).set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    let cursor = lastId ?? '0';
    let busy = false;
    const push = () => {
      if (busy) return;
      busy = true;
      try {
        for (;;) {
          const rows = this.runtime.feed.readWithCursors(caller.agencyId, cursor, 200);
          for (const r of rows) res.write(`id: ${r.cursor}\nevent: message\ndata: ${JSON.stringify(r.message)}\n\n`);
          if (rows.length > 0) cursor = rows[rows.length - 1].cursor;
          if (rows.length < 200) break;
        }
      } finally {
        busy = false;
      }
    };
    res.write('retry: 2000\n\n');
    push();
    const off = this.runtime.feed.onDelivered(caller.agencyId, push);
    const poll = setInterval(push, 500);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15000);
    const expires = setTimeout(() => res.end(), Math.max(0, caller.expiresAt.getTime() - Date.now()));
    req.on('close', () => {
      off();
      clearInterval(poll);
      clearInterval(heartbeat);
      clearTimeout(expires);
    });
  }

  @Post('v1/feed/acks')
  @HttpCode(200)
  @ApiBearerAuth()
  @Roles('system', 'caseworker')
  @ApiOperation({ summary: 'Confirm retractions applied: the agency deleted what each listed' })
  acks(@Caller() caller: Principal, @Body() body: FeedAcksDto) {
    const now = this.runtime.nowIso();
    const stmt = this.runtime.db.prepare(
      'UPDATE pub_retractions SET acknowledged_at = ?, acknowledged_by = ? WHERE message_id = ? AND agency_id = ? AND acknowledged_at IS NULL',
    );
    const known = this.runtime.db.prepare('SELECT acknowledged_at FROM pub_retractions WHERE message_id = ? AND agency_id = ?').pluck();
    const personOf = this.runtime.db.prepare('SELECT person_id FROM pub_retractions WHERE message_id = ? AND agency_id = ?').pluck();
    const unknown: string[] = [];
    let acknowledged = 0;
    this.runtime.db.transaction(() => {
      for (const id of body.retractionIds) {
        const changed = stmt.run(now, caller.subject, id, caller.agencyId).changes;
        acknowledged += changed;
        if (changed > 0) this.recordAck(caller, id, personOf.get(id, caller.agencyId) as string, now);
        if (changed === 0 && known.get(id, caller.agencyId) === undefined) unknown.push(id);
      }
    })();
    if (unknown.length > 0 && acknowledged === 0) {
      throw new ValidationError({ retractionIds: `not retractions sent to this agency: ${unknown.join(', ')}` });
    }
    return { acknowledged, unknown };
  }

  @Get('.well-known/jwks.json')
  @Public()
  @ApiOperation({ summary: 'The hub\'s public keys: verify message signatures with these' })
  jwks(@Res({ passthrough: true }) res: Response) {
    res.setHeader('Cache-Control', 'public, max-age=300');
    return this.runtime.signer.jwks;
  }

  /** The access record of a feed read (disclosures themselves are recorded when released). */
  private recordRead(caller: Principal, action: string, detail: Record<string, unknown>): Promise<void> {
    return this.runtime.audit.log.appendSoon([{ kind: 'access', at: this.runtime.nowIso(), agencyId: caller.agencyId, actor: caller.subject, roles: caller.roles, detail: { action, ...detail } }]);
  }

  /** The record of an acknowledged retraction, written in the acknowledgement's transaction. */
  private recordAck(caller: Principal, retractionId: string, personId: string, at: string): void {
    this.runtime.audit.log.appendInTransaction([
      { kind: 'retraction-ack', at, agencyId: caller.agencyId, actor: caller.subject, roles: caller.roles, personId, ref: `retraction-ack:${caller.agencyId}:${retractionId}`, detail: { retractionId } },
    ]);
  }
}

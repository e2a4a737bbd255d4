import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { HubRuntime } from '@onestop/application';
import type { Principal } from '@onestop/auth';
import { ReplyToReferral, ValidationError } from '@onestop/domain';
import { AccessRecorder } from '../audit/access-recorder';
import { Caller, Roles } from '../auth/auth.decorators';
import { RaiseReferralDto, ReferralQueryDto, ReferralReplyDto } from '../dto/referral.dto';
import { ifMatchRevision, uuidParam } from '../http/params';
import { viewerOf } from '../http/viewer';
import { expectedRevisionOf, HUB_RUNTIME } from '../runtime/runtime.tokens';
import { ExecuteReferralCommand, ReferralCommandResult } from './referral-command';
import { boardEntry, ReferralRow } from './referral-board';

const ACTIONS: Record<string, ReplyToReferral['type']> = {
  acknowledge: 'Acknowledge',
  accept: 'Accept',
  decline: 'Decline',
  start: 'Start',
  complete: 'Complete',
  withdraw: 'Withdraw',
};

@ApiTags('referrals')
@ApiBearerAuth()
@Controller('v1/referrals')
export class ReferralsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(HUB_RUNTIME) private readonly runtime: HubRuntime,
    private readonly access: AccessRecorder,
  ) {}

  @Post()
  @Roles('caseworker')
  @ApiOperation({
    summary: 'Raise a referral to another agency\'s service, or prepare one that waits for consent',
    description:
      'Without `waitForConsent`, the receiving agency must be one the sharing decision lets receive the referral now (category and purpose `referral`, with the person\'s consent where its grant needs it), or the answer is 403 `policy.denied` and nothing is recorded. ' +
      'With `waitForConsent`, the referral is prepared and raised by the hub the moment a consent covering the receiving agency for the `referral` category and purpose is recorded (at once if one already does). ' +
      'The service must be one the receiving agency lists (when it lists any); its deadlines to acknowledge, decide and start follow the service\'s levels. ' +
      'The receiving agency gets the referral through its feed, filtered by the sharing decision for the purpose `referral`: the referral\'s fields (category `referral`) and the person\'s identity only as its agreement grants them. The referring agency is told of every step.',
  })
  async raise(@Caller() caller: Principal, @Body() body: RaiseReferralDto, @Res({ passthrough: true }) res: Response) {
    viewerOf(caller, this.runtime.directory);
    const referralId = randomUUID();
    const type = body.waitForConsent ? ('PrepareReferral' as const) : ('RaiseReferral' as const);
    const command = { type, referralId, personId: body.personId, fromAgency: caller.agencyId, toAgency: body.toAgency, service: body.service, urgency: body.urgency, reason: body.reason };
    const result: ReferralCommandResult = await this.commands.execute(new ExecuteReferralCommand(caller, referralId, command));
    const raised = result.events.find((e) => e.type === 'ReferralRaised.v1');
    res.setHeader('ETag', `"${result.revision}"`).setHeader('Location', `/v1/referrals/${referralId}`);
    return {
      referralId,
      status: raised ? 'raised' : 'prepared',
      acknowledgeBy: raised?.type === 'ReferralRaised.v1' ? raised.data.acknowledgeBy : null,
      revision: result.revision,
    };
  }

  @Post(':referralId/:action')
  @HttpCode(200)
  @Roles('caseworker', 'system')
  @ApiParam({ name: 'action', enum: Object.keys(ACTIONS) })
  @ApiOperation({ summary: 'Acknowledge, accept, decline, start or complete (receiving agency), or withdraw (referring agency)' })
  async reply(
    @Caller() caller: Principal,
    @Param('referralId', uuidParam('referralId')) referralId: string,
    @Param('action') action: string,
    @Body() body: ReferralReplyDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const type = Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
    if (!type) throw new ValidationError({ action: `must be one of ${Object.keys(ACTIONS).join(', ')}` });
    const command: ReplyToReferral = { type, byAgency: caller.agencyId, ...(body.reason ? { reason: body.reason } : {}), ...(body.outcome ? { outcome: body.outcome } : {}) };
    const result: ReferralCommandResult = await this.commands.execute(new ExecuteReferralCommand(caller, referralId, command, expectedRevisionOf(ifMatchRevision(ifMatch), body)));
    res.setHeader('ETag', `"${result.revision}"`);
    return { referralId, status: result.events[0]?.type.replace(/^Referral|\.v1$/g, '').toLowerCase(), revision: result.revision };
  }

  @Get()
  @Roles('caseworker', 'system')
  @ApiOperation({
    summary: 'Duty board: the caller\'s agency\'s incoming referrals (once raised) and its own outgoing ones, soonest pending deadline first, each pending deadline with its time left and red/amber/green status',
  })
  async list(@Caller() caller: Principal, @Query() query: ReferralQueryDto) {
    const viewer = viewerOf(caller, this.runtime.directory);
    await this.runtime.projector.catchUp();
    const me = viewer.agency.agencyId;
    const where = ["(from_agency = @me OR (to_agency = @me AND status <> 'prepared'))"];
    if (query.status) where.push('status = @status');
    if (query.toAgency) where.push('to_agency = @toAgency');
    if (query.fromAgency) where.push('from_agency = @fromAgency');
    const rows = this.runtime.db
      .prepare(`SELECT * FROM rm_referrals WHERE ${where.join(' AND ')} ORDER BY next_deadline IS NULL, next_deadline, created_at LIMIT 500`)
      .all({ me, status: query.status, toAgency: query.toAgency, fromAgency: query.fromAgency }) as ReferralRow[];
    const now = this.runtime.clock.now();
    const referrals = rows.map((r) => boardEntry(r, me, now, this.runtime.pseudonymizer));
    await this.access.recordMany(
      caller,
      'referral-board',
      rows.map((r) => ({ personId: r.person_id, shown: { categories: ['referral'], fields: ['service', 'urgency', 'status', 'deadlines'] }, detail: { referralId: r.referral_id } })),
    );
    return { referrals };
  }
}

import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HubRuntime, ReferralMeasures, summariseReferrals } from '@onestop/application';
import type { Principal } from '@onestop/auth';
import { ValidationError } from '@onestop/domain';
import { Caller, Roles } from '../auth/auth.decorators';
import { ReferralMeasuresQueryDto } from '../dto/referral.dto';
import { HUB_RUNTIME } from '../runtime/runtime.tokens';

const THIRTY_DAYS_MS = 30 * 24 * 60 * 60 * 1000;

/** Waiting-time measures of referrals: how fast agencies acknowledge, accept and start. */
@ApiTags('referrals')
@ApiBearerAuth()
@Controller('v1/referrals')
export class ReferralMeasuresController {
  constructor(@Inject(HUB_RUNTIME) private readonly runtime: HubRuntime) {}

  @Get('measures')
  @Roles('caseworker', 'system', 'dpo', 'admin')
  @ApiOperation({
    summary: 'Waiting times of referrals raised in a period: median and 90th percentile to acknowledge, accept and start, share within deadline, share starting within 20 working days',
    description: 'An agency\'s users see the referrals their agency raised or received; the partnership administrator sees all. Aggregates only: no person, no referral.',
  })
  async measures(@Caller() caller: Principal, @Query() query: ReferralMeasuresQueryDto): Promise<ReferralMeasures> {
    const { runtime } = this;
    await runtime.projector.catchUp();
    const now = runtime.nowIso();
    const to = query.to ? new Date(query.to).toISOString() : now;
    const from = query.from ? new Date(query.from).toISOString() : new Date(Date.parse(to) - THIRTY_DAYS_MS).toISOString();
    if (Date.parse(from) >= Date.parse(to)) throw new ValidationError({ from: 'must be before to' });
    const agencyId = caller.roles.includes('admin') ? undefined : caller.agencyId;
    return summariseReferrals(runtime.db, { from, to, service: query.service, urgency: query.urgency, agencyId }, runtime.calendar, now);
  }
}

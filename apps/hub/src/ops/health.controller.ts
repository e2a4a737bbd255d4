import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HubRuntime } from '@onestop/application';
import { Public } from '../auth/auth.decorators';
import { HUB_RUNTIME } from '../runtime/runtime.tokens';

@ApiTags('ops')
@Controller()
export class HealthController {
  constructor(@Inject(HUB_RUNTIME) private readonly runtime: HubRuntime) {}

  @Get('health')
  @Public()
  @ApiOperation({ summary: 'Liveness and readiness: the store answers' })
  async health() {
    await this.runtime.store.readAll({ direction: 'backwards', maxCount: 1 });
    return { status: 'ok', time: this.runtime.nowIso() };
  }
}

import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { deliveryMetrics, HubRuntime, MetricsRegistry, PROMETHEUS_CONTENT_TYPE, referralMetrics } from '@onestop/application';
import { Public } from '../auth/auth.decorators';
import { HTTP_METRICS, HUB_RUNTIME } from '../runtime/runtime.tokens';
import { HttpMetrics } from './http-metrics';

/**
 * `GET /metrics` for Prometheus. It needs no token, as scrapers expect, so it carries nothing
 * personal: only counts and waiting times labelled by service id, urgency, status and deadline
 * kind. Keep it on the internal network (the hub listens on loopback unless told otherwise).
 */
@ApiTags('ops')
@Controller()
export class MetricsController {
  private readonly registry = new MetricsRegistry();

  constructor(@Inject(HUB_RUNTIME) runtime: HubRuntime, @Inject(HTTP_METRICS) http: HttpMetrics | null) {
    this.registry.register(async () => {
      await runtime.projector.catchUp();
      return referralMetrics(runtime.db, runtime.nowIso());
    });
    this.registry.register(async () => {
      const [newest] = await runtime.store.readAll({ direction: 'backwards', maxCount: 1 });
      return deliveryMetrics(runtime.db, newest?.position ?? 0);
    });
    if (http) this.registry.register(() => http.collect());
  }

  @Get('metrics')
  @Public()
  @ApiProduces(PROMETHEUS_CONTENT_TYPE)
  @ApiOperation({
    summary: 'Prometheus metrics (no token; no personal data)',
    description:
      'Histograms onestop_referral_time_to_{acknowledge,accept,start}_seconds{service,urgency}, the counter onestop_referral_escalations_total{missed,urgency}, and gauges onestop_referrals{status} and onestop_referral_deadlines_overdue; ' +
      'delivery: onestop_events_head_position, onestop_publisher_position{publisher}, onestop_publisher_lag_events{publisher} and onestop_retractions_unacknowledged{agency}; ' +
      'HTTP: onestop_http_requests_total{method,route,status} and the histogram onestop_http_request_duration_seconds{method,route} (route patterns such as /v1/people/:id, never the ids in a path).',
  })
  async metrics(@Res() res: Response): Promise<void> {
    const body = await this.registry.render();
    res.status(200).setHeader('Content-Type', PROMETHEUS_CONTENT_TYPE);
    res.end(body);
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { HubRuntime } from '@onestop/application';
import { TokenVerifier } from '@onestop/auth';
import { AgenciesController } from './admin/agencies.controller';
import { AgreementsController } from './admin/agreements.controller';
import { PublishAgreementHandler, RegisterAgencyHandler } from './admin/admin-commands';
import { AuthGuard, TOKEN_VERIFIER } from './auth/auth.guard';
import { HubExceptionFilter } from './http/hub-exception.filter';
import { RateLimiter } from './http/rate-limit';
import { RATE_LIMITER, SubjectRateLimitGuard } from './http/rate-limit.guard';
import { FeedController } from './feed/feed.controller';
import { HealthController } from './ops/health.controller';
import { ConsentsController } from './people/consents.controller';
import { PeopleController } from './people/people.controller';
import { ExecutePersonCommandHandler } from './people/person-command';
import { personReaderProvider } from './people/person-reader.provider';
import { ProfileController } from './people/profile.controller';
import { ExecuteReferralCommandHandler } from './referrals/referral-command';
import { ReferralsController } from './referrals/referrals.controller';
import { ReferralMeasuresController } from './referrals/referral-measures.controller';
import { MetricsController } from './ops/metrics.controller';
import { ADMIN_ISSUER, HTTP_METRICS, HUB_RUNTIME } from './runtime/runtime.tokens';
import { HttpMetrics } from './ops/http-metrics';
import { AccessRecorder } from './audit/access-recorder';
import { AuditController } from './audit/audit.controller';
import { AuditReportsController } from './audit/audit-reports.controller';
import { AuditedReads } from './audit/audited-reads';
import { BreakGlassController } from './audit/break-glass.controller';
import { OpenBreakGlassHandler, ReviewBreakGlassHandler } from './audit/break-glass.handlers';
import { ErasePersonHandler } from './audit/erase-person.handler';
import { PeopleRightsController } from './audit/people-rights.controller';
import { ConsoleController } from './console/console.controller';
import { DemoSignIn } from './console/demo-sign-in';
import { DEMO_SIGN_IN, DemoOnlyGuard, DemoSignInController } from './console/demo-sign-in.controller';

/** What the HTTP module needs from the process that hosts it. */
export interface HubModuleOptions {
  runtime: HubRuntime;
  verifier: TokenVerifier;
  /** The console's demo sign-in, only when the hub runs the demo. */
  demo?: DemoSignIn;
  /** Per-subject rate limiting after authentication; none when the limit is off. */
  rateLimiter?: RateLimiter;
  /** The bootstrap administrator's issuer: no agency may register it as its own. */
  adminIssuer?: string;
  /** Counts of the requests answered, for `GET /metrics`. */
  httpMetrics?: HttpMetrics;
}

/** The hub's HTTP API: controllers, command handlers, the guard and the one exception filter. */
@Module({})
export class HubModule {
  static register(options: HubModuleOptions): DynamicModule {
    return {
      module: HubModule,
      imports: [CqrsModule.forRoot()],
      controllers: [
        AgenciesController,
        AgreementsController,
        PeopleController,
        ConsentsController,
        ProfileController,
        ReferralsController,
        ReferralMeasuresController,
        MetricsController,
        FeedController,
        HealthController,
        AuditController,
        AuditReportsController,
        BreakGlassController,
        PeopleRightsController,
        DemoSignInController,
        ConsoleController,
      ],
      providers: [
        { provide: HUB_RUNTIME, useValue: options.runtime },
        { provide: ADMIN_ISSUER, useValue: options.adminIssuer ?? null },
        { provide: HTTP_METRICS, useValue: options.httpMetrics ?? null },
        { provide: TOKEN_VERIFIER, useValue: options.verifier },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: SubjectRateLimitGuard },
        { provide: RATE_LIMITER, useValue: options.rateLimiter ?? null },
        { provide: APP_FILTER, useClass: HubExceptionFilter },
        personReaderProvider,
        ExecutePersonCommandHandler,
        ExecuteReferralCommandHandler,
        RegisterAgencyHandler,
        PublishAgreementHandler,
        AccessRecorder,
        AuditedReads,
        ErasePersonHandler,
        OpenBreakGlassHandler,
        ReviewBreakGlassHandler,
        { provide: DEMO_SIGN_IN, useValue: options.demo ?? null },
        DemoOnlyGuard,
      ],
    };
  }
}

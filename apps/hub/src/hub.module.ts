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
import { FeedController } from './feed/feed.controller';
import { HealthController } from './ops/health.controller';
import { ConsentsController } from './people/consents.controller';
import { PeopleController } from './people/people.controller';
import { ExecutePersonCommandHandler } from './people/person-command';
import { personReaderProvider } from './people/person-reader.provider';
import { ProfileController } from './people/profile.controller';
import { ExecuteReferralCommandHandler } from './referrals/referral-command';
import { ReferralsController } from './referrals/referrals.controller';
import { HUB_RUNTIME } from './runtime/runtime.tokens';

/** What the HTTP module needs from the process that hosts it. */
export interface HubModuleOptions {
  runtime: HubRuntime;
  verifier: TokenVerifier;
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
        FeedController,
        HealthController,
      ],
      providers: [
        { provide: HUB_RUNTIME, useValue: options.runtime },
        { provide: TOKEN_VERIFIER, useValue: options.verifier },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: HubExceptionFilter },
        personReaderProvider,
        ExecutePersonCommandHandler,
        ExecuteReferralCommandHandler,
        RegisterAgencyHandler,
        PublishAgreementHandler,
      ],
    };
  }
}

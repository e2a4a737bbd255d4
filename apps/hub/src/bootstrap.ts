import { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { HubRuntime } from '@onestop/application';
import { DevKey, TokenVerifier, TrustedIssuer } from '@onestop/auth';
import { PartnershipIssuers, PARTNERSHIP_ADMIN } from './auth/partnership-issuers';
import { HubConfig, readJwksSetting } from '@onestop/config';
import { hubValidationPipe } from './http/validation.pipe';
import { jsonShapeLimit } from './http/json-depth';
import { jsonBodiesOnly } from './http/json-only';
import { describeResponses } from './http/openapi-responses';
import { HttpMetrics } from './ops/http-metrics';
import { RateLimit, RateLimiter, rateLimitOf } from './http/rate-limit';
import { clientRateLimit } from './http/rate-limit.guard';
import { HubModule } from './hub.module';
import { DemoSignIn } from './console/demo-sign-in';

/** Reads `HUB_ADMIN_JWKS`: a JWKS of public keys as JSON, or the path of a file holding one. */
export function parseAdminJwks(value: string): TrustedIssuer['jwks'] {
  return readJwksSetting('HUB_ADMIN_JWKS', value) as unknown as TrustedIssuer['jwks'];
}

/** The bootstrap administrator from the configuration (or the demo's dev key). */
export function adminIssuerOf(config: HubConfig, demoAdmin?: TrustedIssuer): TrustedIssuer | undefined {
  if (config.HUB_ADMIN_ISSUER && config.HUB_ADMIN_JWKS) {
    return { issuer: config.HUB_ADMIN_ISSUER, agencyId: PARTNERSHIP_ADMIN, jwks: parseAdminJwks(config.HUB_ADMIN_JWKS), allowedRoles: ['admin'] };
  }
  return demoAdmin;
}

export interface HttpAppOptions {
  runtime: HubRuntime;
  config: HubConfig;
  admin?: TrustedIssuer;
  logger?: LogLevel[] | false;
  /**
   * The demo's dev keys: enables the console's demo sign-in (only when the hub runs the demo).
   * `withAdmin: false` when the administrator is configured, so the demo's admin key is not trusted.
   */
  demo?: { keys: ReadonlyMap<string, DevKey>; withAdmin?: boolean };
  /** Overrides `HUB_RATE_LIMIT`/`HUB_RATE_LIMIT_BURST`; `false` turns the limit off. */
  rateLimit?: RateLimit | false;
}

/** Builds the Nest HTTP application around an open runtime (used by `main` and the tests). */
export async function createHttpApp(options: HttpAppOptions): Promise<INestApplication> {
  const verifier = new TokenVerifier({ audience: options.config.HUB_AUDIENCE, issuers: new PartnershipIssuers(options.runtime.directory, options.admin), clockToleranceSeconds: 30 });
  const rateLimit = options.rateLimit ?? rateLimitOf(options.config);
  const limiter = rateLimit ? new RateLimiter(rateLimit) : undefined;
  const httpMetrics = new HttpMetrics();
  const app = await NestFactory.create<NestExpressApplication>(HubModule.register({ runtime: options.runtime, verifier, demo: options.demo ? new DemoSignIn(options.demo.keys, options.config.HUB_AUDIENCE, options.demo.withAdmin) : undefined, rateLimiter: limiter, adminIssuer: options.admin?.issuer, httpMetrics }), {
    logger: options.logger ?? ['error', 'warn'],
    bodyParser: false,
  });
  app.use(httpMetrics.middleware());
  if (limiter) app.use(clientRateLimit(limiter, (req) => req.method === 'GET' && /^\/console(\/|$)/.test(req.path)));
  app.use(jsonBodiesOnly());
  app.useBodyParser('json', { limit: '256kb', strict: true });
  app.use(jsonShapeLimit());
  app.disable('x-powered-by');
  // No hashed ETag of every JSON body (a person's history is most of a megabyte): API responses
  // are `no-store`, and resources with a revision carry it as their ETag explicitly.
  app.set('etag', false);
  app.use('/v1', (_req: unknown, res: { setHeader(name: string, value: string): void }, next: () => void) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.set('query parser', 'simple');
  app.useGlobalPipes(hubValidationPipe());
  app.enableShutdownHooks();
  const document = describeResponses(SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Onestop hub')
      .setDescription('Lawful, consent-aware data sharing between the agencies of a community-safety partnership.')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  ));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}

import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Principal } from '@onestop/auth';
import { RateLimitedError, RateLimiter } from './rate-limit';

/** Nest token of the process's RateLimiter; null when the limit is off (`HUB_RATE_LIMIT=0`). */
export const RATE_LIMITER = Symbol('RateLimiter');

const BEARER = /^Bearer\s+\S+$/i;

/** The key of an address's bucket (Express's `req.ip`: the socket's peer unless `trust proxy` is set). */
const clientKey = (req: Request): string => `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;

function refuse(res: Response, retryAfterSeconds: number): RateLimitedError {
  res.setHeader('Retry-After', String(retryAfterSeconds));
  return new RateLimitedError(retryAfterSeconds);
}

/**
 * Express middleware, first in the chain (before the body is read): the rate limit of callers
 * without credentials, keyed by client address. A request without a bearer token spends from
 * its address's bucket; one with a token goes on to be verified, and spends from the address's
 * bucket only if it then fails authentication (401). An address whose bucket is empty gets 429
 * even with a token, so a flood of forged or unknown-`kid` tokens is slowed down too. Requests
 * `exempt` says so are not counted (the console's static files: one page load fetches dozens,
 * and several caseworkers may share an address).
 */
export function clientRateLimit(limiter: RateLimiter, exempt: (req: Request) => boolean = () => false) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (exempt(req)) return next();
    const key = clientKey(req);
    const header = req.headers.authorization;
    if (typeof header === 'string' && BEARER.test(header)) {
      const decision = limiter.peek(key);
      if (!decision.allowed) return next(refuse(res, decision.retryAfterSeconds));
      res.once('finish', () => {
        if (res.statusCode === 401) limiter.take(key);
      });
      return next();
    }
    const decision = limiter.take(key);
    next(decision.allowed ? undefined : refuse(res, decision.retryAfterSeconds));
  };
}

/**
 * The rate limit of authenticated callers, keyed by token subject (`iss`, `sub`), so that every
 * user and system has its own budget whichever address it calls from. Registered as a global
 * guard after AuthGuard, which has put the verified principal on the request.
 */
@Injectable()
export class SubjectRateLimitGuard implements CanActivate {
  constructor(@Optional() @Inject(RATE_LIMITER) private readonly limiter: RateLimiter | null) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const principal = request.principal;
    if (!this.limiter || !principal) return true;
    const decision = this.limiter.take(`sub:${principal.issuer}\u0000${principal.subject}`);
    if (!decision.allowed) throw refuse(context.switchToHttp().getResponse<Response>(), decision.retryAfterSeconds);
    return true;
  }
}

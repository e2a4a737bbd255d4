import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthenticationError, ForbiddenError, TokenVerifier } from '@onestop/auth';
import type { Role } from '@onestop/domain';
import { PUBLIC_KEY, ROLES_KEY } from './auth.decorators';

export const TOKEN_VERIFIER = Symbol('TokenVerifier');

/**
 * Deny by default: every call needs a valid bearer token unless marked `@Public()`, and a call
 * marked `@Roles(...)` needs one of those roles (otherwise 403).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest();
    const header: unknown = request.headers.authorization;
    if (typeof header !== 'string' || !/^Bearer\s+\S+$/i.test(header)) throw new AuthenticationError('malformed');
    const principal = await this.verifier.verify(header);
    request.principal = principal;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.some((r) => principal.roles.includes(r))) {
      throw new ForbiddenError(`this call needs one of the roles: ${roles.join(', ')}`);
    }
    return true;
  }
}

import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '@onestop/domain';
import type { Principal } from '@onestop/auth';

export const ROLES_KEY = 'onestop:roles';
export const PUBLIC_KEY = 'onestop:public';

/** The roles allowed to make this call (any one suffices). Calls without it allow any role. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** A call that needs no token (health, docs, JWKS). Everything else is authenticated. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** The verified caller. */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => ctx.switchToHttp().getRequest().principal);

import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Principal, Role } from './principal.js';

export const IS_PUBLIC_KEY = 'openlgsp:auth:public';
export const REQUIRED_ROLES_KEY = 'openlgsp:auth:roles';

/** No credentials needed; a valid token or API key still attaches a principal. */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);

/** The principal must hold at least one of these roles (else 403). On a class or a handler. */
export const Roles = (...roles: Role[]) => SetMetadata(REQUIRED_ROLES_KEY, roles);

/** The authenticated principal (`undefined` only on a @Public() route called anonymously). */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal | undefined =>
    context.switchToHttp().getRequest<{ principal?: Principal }>().principal,
);

import { audit } from '../../core/audit/append.ts';
import type { Db } from '../../core/db/types.ts';
import { ApiError } from '../http/errors.ts';
import type { AnyRoute } from '../http/route.ts';
import { actorOf, type Principal } from './principal.ts';

export interface Denial {
  code: 'forbidden' | 'mfa_enrolment_required' | 'session_required';
  message: string;
  permission: string;
}

/** Why `principal` may not call `route`, or undefined when it may. */
export function denialFor(route: AnyRoute, principal: Principal): Denial | undefined {
  const permission = route.permission;
  if (principal.restricted && !route.allowRestricted)
    return {
      code: 'mfa_enrolment_required',
      message: 'set up multi-factor authentication first (POST /api/v1/auth/mfa/enrol)',
      permission,
    };
  if (principal.kind === 'api_token' && route.sessionOnly)
    return { code: 'session_required', message: 'API tokens cannot do this; sign in', permission };
  if (permission === 'public' || permission === 'authenticated') return undefined;
  if (!principal.permissions.has(permission))
    return { code: 'forbidden', message: `requires permission ${permission}`, permission };
  return undefined;
}

/** Refuses with 403 and writes an `authz.denied` audit event when the principal may not call the route. */
export async function authorize(
  route: AnyRoute,
  principal: Principal,
  db: Db,
  clientIp: string,
): Promise<void> {
  const denial = denialFor(route, principal);
  if (!denial) return;
  await audit(db, {
    code: 'authz.denied',
    actor: actorOf(principal),
    ip: clientIp,
    details: {
      route: `${route.method} ${route.path}`,
      permission: denial.permission,
      reason: denial.code,
      via: principal.kind,
    },
  });
  throw new ApiError(403, denial.code, denial.message, { permission: denial.permission });
}

import type { PermissionName } from '../../core/rbac/permissions.ts';
import { ApiError } from '../http/errors.ts';

/** The authenticated caller of one request. */
export interface Principal {
  kind: 'session' | 'api_token';
  userId: string;
  username: string;
  /** Set for sessions (access tokens and cookies). */
  sessionId: string | null;
  /** Set for API tokens. */
  tokenId: string | null;
  roles: string[];
  permissions: ReadonlySet<PermissionName>;
  /** Only MFA enrolment is allowed until the policy-required second factor is set up. */
  restricted: boolean;
  /** Authenticated by cookie (so unsafe methods need the CSRF header). */
  viaCookie: boolean;
}

/** The principal of a non-public route; the app guarantees it, this makes the type say so. */
export function principalOf(ctx: { principal: Principal | undefined }): Principal {
  if (!ctx.principal) throw new ApiError(401, 'unauthenticated', 'authentication required');
  return ctx.principal;
}

export function actorOf(p: Principal): { id: string; name: string } {
  return { id: p.userId, name: p.username };
}

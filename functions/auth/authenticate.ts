import { apiTokenByHash, touchApiToken } from '../../core/db/sql/api-tokens.ts';
import { rolesOfUser } from '../../core/db/sql/roles.ts';
import { sessionState } from '../../core/db/sql/sessions.ts';
import { verificationKey } from '../../core/db/sql/signing-keys.ts';
import type { Db } from '../../core/db/types.ts';
import { constantTimeEqualText, sha256Hex } from '../../core/crypto/bytes.ts';
import { TokenRejected, verifyAccessToken } from '../../core/identity/jwt.ts';
import { API_TOKEN_PREFIX, isOpaqueToken, opaqueTokenHash } from '../../core/identity/opaque-tokens.ts';
import type { IdentitySettings } from '../../core/config/schema.ts';
import type { Logger } from '../../core/log.ts';
import { permissionsOf } from '../../core/rbac/roles.ts';
import { ApiError } from '../http/errors.ts';
import { ACCESS_COOKIE, CSRF_COOKIE, CSRF_HEADER, isUnsafeMethod, parseCookies } from './cookies.ts';
import type { Principal } from './principal.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Every authentication failure is this one 401 (same code, message and headers); the reason goes to
 * the log only, so a client cannot tell an expired token from a forged one or a revoked session.
 */
export function unauthenticated(log: Logger, reason: string): ApiError {
  log.info('authentication failed', { reason });
  return new ApiError(401, 'unauthenticated', 'authentication required', undefined, {
    'www-authenticate': 'Bearer realm="openwatch"',
  });
}

export interface AuthContext {
  db: Db;
  log: Logger;
  settings: IdentitySettings;
}

export async function principalFromAccessToken(
  token: string,
  ctx: AuthContext,
  viaCookie: boolean,
): Promise<Principal & { csrfHash: string | null }> {
  let claims;
  try {
    claims = await verifyAccessToken(token, async (kid) => {
      const row = await verificationKey(ctx.db, kid);
      return row ? { alg: row.alg, publicJwk: row.public_jwk } : undefined;
    });
  } catch (err) {
    if (err instanceof TokenRejected) throw unauthenticated(ctx.log, err.message);
    throw err;
  }
  if (!UUID.test(claims.sid) || !UUID.test(claims.sub))
    throw unauthenticated(ctx.log, 'malformed sid or sub');
  const state = await sessionState(ctx.db, claims.sid, ctx.settings.session_idle_minutes * 60);
  if (!state) throw unauthenticated(ctx.log, 'no such session');
  if (state.user_id !== claims.sub) throw unauthenticated(ctx.log, 'session belongs to another user');
  if (!state.active) throw unauthenticated(ctx.log, 'session revoked, expired or idle, or user disabled');
  return {
    kind: 'session',
    userId: state.user_id,
    username: state.username,
    sessionId: state.session_id,
    tokenId: null,
    roles: state.roles.map((r) => r.name),
    permissions: permissionsOf(state.roles),
    restricted: state.restricted,
    viaCookie,
    csrfHash: state.csrf_hash,
  };
}

async function principalFromApiToken(token: string, ctx: AuthContext): Promise<Principal> {
  if (!isOpaqueToken(token, API_TOKEN_PREFIX)) throw unauthenticated(ctx.log, 'malformed API token');
  const row = await apiTokenByHash(ctx.db, await opaqueTokenHash(token));
  if (!row) throw unauthenticated(ctx.log, 'unknown API token');
  if (!row.active) throw unauthenticated(ctx.log, 'API token revoked or expired, or its owner disabled');
  // A token never holds more than its owner does today: its role's permissions ∩ the owner's.
  const owner = permissionsOf(await rolesOfUser(ctx.db, row.user_id));
  const bound = permissionsOf([{ name: row.role, permissions: row.role_permissions }]);
  await touchApiToken(ctx.db, row.id);
  return {
    kind: 'api_token',
    userId: row.user_id,
    username: row.username,
    sessionId: null,
    tokenId: row.id,
    roles: [row.role],
    permissions: new Set([...bound].filter((p) => owner.has(p))),
    restricted: false,
    viaCookie: false,
  };
}

async function checkCsrf(
  request: Request,
  cookies: Map<string, string>,
  csrfHash: string | null,
): Promise<void> {
  const header = request.headers.get(CSRF_HEADER) ?? '';
  const cookie = cookies.get(CSRF_COOKIE) ?? '';
  const ok =
    header.length > 0 &&
    csrfHash !== null &&
    constantTimeEqualText(header, cookie) &&
    constantTimeEqualText(await sha256Hex(header), csrfHash);
  if (!ok) throw new ApiError(403, 'csrf_failed', 'missing or invalid X-CSRF-Token header');
}

/**
 * Who is calling: `Authorization: Bearer` with an access token (JWT) or an API token (`owk_…`), else
 * the access-token cookie, which for unsafe methods also needs the double-submit CSRF header.
 */
export async function authenticate(request: Request, ctx: AuthContext): Promise<Principal> {
  const header = request.headers.get('authorization');
  if (header !== null) {
    const m = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim());
    if (!m?.[1]) throw unauthenticated(ctx.log, 'malformed Authorization header');
    const token = m[1];
    if (token.startsWith(API_TOKEN_PREFIX)) return principalFromApiToken(token, ctx);
    const { csrfHash: _unused, ...p } = await principalFromAccessToken(token, ctx, false);
    return p;
  }
  const cookies = parseCookies(request.headers.get('cookie'));
  const access = cookies.get(ACCESS_COOKIE);
  if (!access) throw unauthenticated(ctx.log, 'no credentials');
  const { csrfHash, ...p } = await principalFromAccessToken(access, ctx, true);
  if (isUnsafeMethod(request.method)) await checkCsrf(request, cookies, csrfHash);
  return p;
}

import { appendAuditEvents, audit } from '../../core/audit/append.ts';
import { constantTimeEqualText, sha256Hex } from '../../core/crypto/bytes.ts';
import {
  insertRefreshToken,
  markSessionSeen,
  refreshTokenState,
  revokeSession,
  rotateRefreshToken,
} from '../../core/db/sql/sessions.ts';
import type { Db } from '../../core/db/types.ts';
import {
  isOpaqueToken,
  newOpaqueToken,
  opaqueTokenHash,
  REFRESH_PREFIX,
} from '../../core/identity/opaque-tokens.ts';
import type { IdentityRuntime } from '../../core/identity/runtime.ts';
import type { Logger } from '../../core/log.ts';
import { unauthenticated } from '../auth/authenticate.ts';
import { ApiError } from '../http/errors.ts';
import { enforceLimits } from './rate-limit.ts';
import type { ClientKind, IssuedTokens } from './sessions.ts';
import { issueAccessToken } from './signing.ts';

export interface RefreshInput {
  token: string;
  client: ClientKind;
  /** For cookie refreshes: the X-CSRF-Token header and the CSRF cookie, which must match the session. */
  csrf: { header: string; cookie: string } | undefined;
  ip: string;
}

/**
 * Exchanges a refresh token for a new pair. The token is single-use: presenting one that was already
 * rotated means it leaked (or was raced), so the whole session is revoked and the reuse audited.
 */
export async function refresh(
  db: Db,
  identity: IdentityRuntime,
  log: Logger,
  input: RefreshInput,
): Promise<IssuedTokens> {
  const s = identity.settings;
  await enforceLimits(
    db,
    [{ key: `refresh:ip:${input.ip}`, max: s.refresh_limit_per_ip, windowSeconds: s.rate_window_seconds }],
    { actor: { id: null, name: 'anonymous' }, ip: input.ip, what: 'refresh' },
  );
  if (!isOpaqueToken(input.token, REFRESH_PREFIX)) throw unauthenticated(log, 'malformed refresh token');
  const hash = await opaqueTokenHash(input.token);
  const state = await refreshTokenState(db, hash, s.session_idle_minutes * 60);
  if (!state) throw unauthenticated(log, 'unknown refresh token');
  const who = { id: state.user_id, name: state.username };
  if (input.csrf) {
    const ok =
      state.csrf_hash !== null &&
      input.csrf.header.length > 0 &&
      constantTimeEqualText(input.csrf.header, input.csrf.cookie) &&
      constantTimeEqualText(await sha256Hex(input.csrf.header), state.csrf_hash);
    if (!ok) throw new ApiError(403, 'csrf_failed', 'missing or invalid X-CSRF-Token header');
  }
  const reuse = async (): Promise<never> => {
    const revoked = await revokeSession(db, state.session_id, 'refresh_token_reuse');
    await audit(db, {
      code: 'auth.refresh.reused',
      actor: who,
      target: { type: 'session', id: state.session_id },
      ip: input.ip,
      details: { session_id: state.session_id, session_revoked: revoked || state.session_revoked },
    });
    throw unauthenticated(log, 'rotated refresh token presented again; session revoked');
  };
  if (state.rotated) return reuse();
  if (!state.active) throw unauthenticated(log, 'session revoked, expired or idle, or user disabled');

  const next = newOpaqueToken(REFRESH_PREFIX);
  const issued = await db.transaction(async (tx) => {
    if (!(await rotateRefreshToken(tx, hash))) return undefined;
    await insertRefreshToken(tx, state.session_id, await opaqueTokenHash(next));
    await markSessionSeen(tx, state.session_id);
    const accessToken = await issueAccessToken(tx, identity, { sub: state.user_id, sid: state.session_id });
    await appendAuditEvents(tx, [
      {
        code: 'auth.token.refreshed',
        actor: who,
        target: { type: 'session', id: state.session_id },
        ip: input.ip,
        details: { session_id: state.session_id, client: input.client },
      },
    ]);
    return accessToken;
  });
  // Lost a race with a concurrent refresh of the same token: that is reuse too.
  if (issued === undefined) return reuse();
  return {
    sessionId: state.session_id,
    accessToken: issued,
    refreshToken: next,
    csrfToken: input.csrf?.header ?? null,
    sessionExpiresAt: state.expires_at,
    restricted: state.restricted,
  };
}

import { appendAuditEvents, type AuditEvent } from '../../core/audit/append.ts';
import { randomBytes, sha256Hex, toBase64Url } from '../../core/crypto/bytes.ts';
import { insertRefreshToken, insertSession } from '../../core/db/sql/sessions.ts';
import type { Db } from '../../core/db/types.ts';
import { newOpaqueToken, opaqueTokenHash, REFRESH_PREFIX } from '../../core/identity/opaque-tokens.ts';
import type { IdentityRuntime } from '../../core/identity/runtime.ts';
import { sessionCookies } from '../auth/cookies.ts';
import { jsonResponse } from '../http/errors.ts';
import { issueAccessToken } from './signing.ts';

export type ClientKind = 'api' | 'browser';

export interface IssuedTokens {
  sessionId: string;
  accessToken: string;
  refreshToken: string;
  /** Browser sessions only. */
  csrfToken: string | null;
  sessionExpiresAt: Date;
  restricted: boolean;
}

/**
 * Opens a session (a refresh-token family) and issues its first token pair, with the audit events
 * given, in one transaction.
 */
export async function openSession(
  db: Db,
  identity: IdentityRuntime,
  s: { userId: string; restricted: boolean; client: ClientKind; ip: string; userAgent: string },
  events: (sessionId: string) => AuditEvent[],
): Promise<IssuedTokens> {
  const csrfToken = s.client === 'browser' ? toBase64Url(randomBytes(32)) : null;
  const refreshToken = newOpaqueToken(REFRESH_PREFIX);
  return db.transaction(async (tx) => {
    const session = await insertSession(tx, {
      userId: s.userId,
      absoluteSeconds: identity.settings.session_absolute_hours * 3600,
      restricted: s.restricted,
      csrfHash: csrfToken ? await sha256Hex(csrfToken) : null,
      ip: s.ip,
      userAgent: s.userAgent,
    });
    await insertRefreshToken(tx, session.id, await opaqueTokenHash(refreshToken));
    const accessToken = await issueAccessToken(tx, identity, { sub: s.userId, sid: session.id });
    await appendAuditEvents(tx, events(session.id));
    return {
      sessionId: session.id,
      accessToken,
      refreshToken,
      csrfToken,
      sessionExpiresAt: session.expires_at,
      restricted: s.restricted,
    };
  });
}

/**
 * The answer to login and refresh. API clients get the tokens in the body; browsers get them in
 * HttpOnly cookies and only the CSRF token in the body, so page scripts never hold a token.
 */
export function tokenResponse(t: IssuedTokens, identity: IdentityRuntime, client: ClientKind): Response {
  const expiresIn = identity.settings.access_token_minutes * 60;
  const common = {
    expires_in: expiresIn,
    session_expires_at: t.sessionExpiresAt.toISOString(),
    mfa_enrolment_required: t.restricted,
  };
  if (client === 'api') {
    return jsonResponse(
      { token_type: 'Bearer', access_token: t.accessToken, refresh_token: t.refreshToken, ...common },
      200,
      { 'cache-control': 'no-store' },
    );
  }
  const res = jsonResponse({ token_type: 'cookie', csrf_token: t.csrfToken, ...common }, 200, {
    'cache-control': 'no-store',
  });
  const refreshMaxAge = Math.max(0, (t.sessionExpiresAt.getTime() - Date.now()) / 1000);
  for (const c of sessionCookies({
    access: t.accessToken,
    accessMaxAge: expiresIn,
    refresh: t.refreshToken,
    refreshMaxAge,
    csrf: t.csrfToken ?? '',
  }))
    res.headers.append('set-cookie', c);
  return res;
}

import { storableText, truncateText } from '../../text.ts';
import type { RoleGrant } from '../../rbac/roles.ts';
import type { Queryable } from '../types.ts';

export interface SessionState {
  session_id: string;
  user_id: string;
  username: string;
  restricted: boolean;
  csrf_hash: string | null;
  /** True when not revoked, not past its absolute expiry, not idle too long, and its user is active. */
  active: boolean;
  roles: RoleGrant[];
}

const ACTIVE = `s.revoked_at is null and s.expires_at > now()
  and s.last_seen_at > now() - make_interval(secs => $2)
  and u.disabled_at is null and u.deleted_at is null`;

export async function insertSession(
  q: Queryable,
  s: {
    userId: string;
    absoluteSeconds: number;
    restricted: boolean;
    csrfHash: string | null;
    ip: string;
    userAgent: string;
  },
): Promise<{ id: string; expires_at: Date }> {
  const { rows } = await q.query<{ id: string; expires_at: Date }>(
    `insert into sessions (user_id, expires_at, restricted, csrf_hash, ip, user_agent)
     values ($1, now() + make_interval(secs => $2), $3, $4, $5, $6) returning id, expires_at`,
    [
      s.userId,
      s.absoluteSeconds,
      s.restricted,
      s.csrfHash,
      s.ip,
      truncateText(storableText(s.userAgent), 300),
    ],
  );
  const row = rows[0];
  if (!row) throw new Error('insert into sessions returned no row');
  return row;
}

/**
 * The session behind an access token with its user's roles, judged against the idle timeout, in one
 * statement that also records activity (at most once a minute, and only for an active session).
 */
export async function sessionState(
  q: Queryable,
  sessionId: string,
  idleSeconds: number,
): Promise<SessionState | undefined> {
  const { rows } = await q.query<SessionState>(
    `with touch as (
       update sessions s set last_seen_at = now() from users u
       where s.id = $1 and u.id = s.user_id and s.last_seen_at < now() - interval '1 minute' and ${ACTIVE})
     select s.id as session_id, s.user_id, u.username, s.restricted, s.csrf_hash, (${ACTIVE}) as active,
       (select coalesce(json_agg(json_build_object('name', r.name, 'permissions', r.permissions)), '[]'::json)
        from user_roles ur join roles r on r.name = ur.role where ur.user_id = u.id) as roles
     from sessions s join users u on u.id = s.user_id where s.id = $1`,
    [sessionId, idleSeconds],
  );
  return rows[0];
}

export async function revokeSession(q: Queryable, sessionId: string, reason: string): Promise<boolean> {
  const { rowCount } = await q.query(
    `update sessions set revoked_at = now(), revoke_reason = $2 where id = $1 and revoked_at is null`,
    [sessionId, reason],
  );
  return rowCount > 0;
}

/** Revokes every live session of a user, except `keep` (the caller's own, on a password change). */
export async function revokeUserSessions(
  q: Queryable,
  userId: string,
  reason: string,
  keep: string | null = null,
): Promise<number> {
  const { rowCount } = await q.query(
    `update sessions set revoked_at = now(), revoke_reason = $2
     where user_id = $1 and revoked_at is null and ($3::uuid is null or id <> $3)`,
    [userId, reason, keep],
  );
  return rowCount;
}

export async function setSessionRestricted(
  q: Queryable,
  sessionId: string,
  restricted: boolean,
): Promise<void> {
  await q.query('update sessions set restricted = $2 where id = $1', [sessionId, restricted]);
}

export async function insertRefreshToken(q: Queryable, sessionId: string, tokenHash: string): Promise<void> {
  await q.query('insert into refresh_tokens (token_hash, session_id) values ($1, $2)', [
    tokenHash,
    sessionId,
  ]);
}

export interface RefreshTokenState {
  session_id: string;
  user_id: string;
  username: string;
  rotated: boolean;
  restricted: boolean;
  csrf_hash: string | null;
  session_revoked: boolean;
  expires_at: Date;
  /** Not revoked, within absolute and idle limits, user active. */
  active: boolean;
}

export async function refreshTokenState(
  q: Queryable,
  tokenHash: string,
  idleSeconds: number,
): Promise<RefreshTokenState | undefined> {
  const { rows } = await q.query<RefreshTokenState>(
    `select s.id as session_id, s.user_id, u.username, rt.rotated_at is not null as rotated, s.restricted,
       s.csrf_hash, s.revoked_at is not null as session_revoked, s.expires_at,
       (s.revoked_at is null and s.expires_at > now()
        and s.last_seen_at > now() - make_interval(secs => $2)
        and u.disabled_at is null and u.deleted_at is null) as active
     from refresh_tokens rt join sessions s on s.id = rt.session_id join users u on u.id = s.user_id
     where rt.token_hash = $1`,
    [tokenHash, idleSeconds],
  );
  return rows[0];
}

/**
 * Marks a refresh token used. False when it already was: two concurrent refreshes with one token
 * cannot both win, and the loser is treated as reuse.
 */
export async function rotateRefreshToken(q: Queryable, tokenHash: string): Promise<boolean> {
  const { rowCount } = await q.query(
    'update refresh_tokens set rotated_at = now() where token_hash = $1 and rotated_at is null',
    [tokenHash],
  );
  return rowCount > 0;
}

export async function markSessionSeen(q: Queryable, sessionId: string): Promise<void> {
  await q.query('update sessions set last_seen_at = now() where id = $1', [sessionId]);
}

export interface SessionRow {
  id: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  ip: string | null;
  user_agent: string | null;
}

/** A user's sessions that can still be used (not revoked, expired or idle), most recently used first. */
export async function listLiveSessions(
  q: Queryable,
  userId: string,
  idleSeconds: number,
): Promise<SessionRow[]> {
  const { rows } = await q.query<SessionRow>(
    `select s.id, s.created_at, s.last_seen_at, s.expires_at, s.ip, s.user_agent
     from sessions s
     where s.user_id = $1 and s.revoked_at is null and s.expires_at > now()
       and s.last_seen_at > now() - make_interval(secs => $2)
     order by s.last_seen_at desc, s.id`,
    [userId, idleSeconds],
  );
  return rows;
}

/** Revokes one session of `userId`; false when it is not theirs or already revoked. */
export async function revokeOwnSession(
  q: Queryable,
  userId: string,
  sessionId: string,
  reason: string,
): Promise<boolean> {
  const { rowCount } = await q.query(
    `update sessions set revoked_at = now(), revoke_reason = $3
     where id = $1 and user_id = $2 and revoked_at is null`,
    [sessionId, userId, reason],
  );
  return rowCount > 0;
}

import { ANONYMOUS, audit, type AuditActor, type AuditEvent } from '../../core/audit/append.ts';
import { clearLoginFailures, lockedForSeconds, recordLoginFailure } from '../../core/db/sql/lockouts.ts';
import { rolesOfUser } from '../../core/db/sql/roles.ts';
import { replacePasswordHash, userByUsername, type UserRow } from '../../core/db/sql/users.ts';
import type { Db } from '../../core/db/types.ts';
import { normaliseUsername } from '../../core/identity/accounts.ts';
import { mfaRequired, readMfaPolicy } from '../../core/identity/mfa-policy.ts';
import { DUMMY_HASH, hashPassword, needsRehash, verifyPassword } from '../../core/identity/password-hash.ts';
import type { IdentityRuntime } from '../../core/identity/runtime.ts';
import type { Logger } from '../../core/log.ts';
import { permissionsOf } from '../../core/rbac/roles.ts';
import { storableText, truncateText } from '../../core/text.ts';
import { ApiError } from '../http/errors.ts';
import { enforceLimits, tooManyRequests } from './rate-limit.ts';
import { checkSecondFactor } from './second-factor.ts';
import { openSession, type ClientKind, type IssuedTokens } from './sessions.ts';

export interface LoginInput {
  username: string;
  password: string;
  otp: string | undefined;
  client: ClientKind;
  ip: string;
  userAgent: string;
}

const MAX_USERNAME = 200;

/**
 * A sign-in refused for its input (a NUL, broken Unicode, an over-long or missing name) is a failed
 * sign-in like any other and is audited, with the name made storable.
 */
export async function auditRejectedLogin(db: Db, ip: string, body: unknown, issues: unknown): Promise<void> {
  const raw = typeof body === 'object' && body !== null && 'username' in body ? body.username : undefined;
  const username =
    typeof raw === 'string' ? truncateText(storableText(normaliseUsername(raw)), MAX_USERNAME) : null;
  await audit(db, {
    code: 'auth.login.failed',
    actor: ANONYMOUS,
    ip,
    details: { username, reason: 'invalid_input', issues },
  });
}

/** One answer for unknown user, wrong password, wrong code and disabled account. */
const INVALID = () => new ApiError(401, 'invalid_credentials', 'invalid username or password');

/**
 * Who an attempt is attributed to: the account when it exists. An unknown name stays in the details,
 * never as the actor, so nobody can write audit rows that appear to come from someone else.
 */
function actor(user: UserRow | undefined): AuditActor {
  return user ? { id: user.id, name: user.username } : ANONYMOUS;
}

async function fail(
  db: Db,
  identity: IdentityRuntime,
  input: LoginInput,
  subject: string,
  user: UserRow | undefined,
  reason: string,
): Promise<never> {
  const s = identity.settings;
  const outcome = await recordLoginFailure(db, subject, {
    threshold: s.lockout_threshold,
    baseSeconds: s.lockout_base_seconds,
    maxSeconds: s.lockout_max_seconds,
  });
  const events: AuditEvent[] = [
    {
      code: 'auth.login.failed',
      actor: actor(user),
      ...(user ? { target: { type: 'user', id: user.id } } : {}),
      ip: input.ip,
      details: { username: subject, reason },
    },
  ];
  if (outcome.lockedSeconds !== null) {
    events.push({
      code: 'auth.lockout',
      actor: actor(user),
      ...(user ? { target: { type: 'user', id: user.id } } : {}),
      ip: input.ip,
      details: { username: subject, locked_seconds: outcome.lockedSeconds, lockouts: outcome.lockouts },
    });
  }
  await audit(db, ...events);
  throw INVALID();
}

/**
 * Password sign-in: rate limits per IP and per username, lockout, a password check that costs the same
 * for unknown users (verified against a dummy hash), the second factor when enrolled, then a session.
 */
export async function login(
  db: Db,
  identity: IdentityRuntime,
  log: Logger,
  input: LoginInput,
): Promise<IssuedTokens> {
  const s = identity.settings;
  const subject = truncateText(normaliseUsername(input.username), MAX_USERNAME);
  await enforceLimits(
    db,
    [
      { key: `login:ip:${input.ip}`, max: s.login_limit_per_ip, windowSeconds: s.rate_window_seconds },
      { key: `login:user:${subject}`, max: s.login_limit_per_account, windowSeconds: s.rate_window_seconds },
    ],
    { actor: ANONYMOUS, ip: input.ip, what: `login as ${truncateText(subject, 64)}` },
  );
  const locked = await lockedForSeconds(db, subject);
  if (locked > 0) throw tooManyRequests('locked_out', locked);

  const user = await userByUsername(db, subject);
  const passwordOk = await verifyPassword(input.password, user?.password_hash ?? DUMMY_HASH);
  if (!user) return fail(db, identity, input, subject, undefined, 'unknown_user');
  if (!passwordOk) return fail(db, identity, input, subject, user, 'bad_password');
  if (user.disabled_at) return fail(db, identity, input, subject, user, 'disabled');

  let via: 'password' | 'totp' | 'recovery_code' = 'password';
  if (user.mfa_enabled_at) {
    if (!input.otp) throw new ApiError(401, 'mfa_required', 'a one-time code is required');
    await enforceLimits(
      db,
      [{ key: `mfa:user:${user.id}`, max: s.mfa_limit_per_account, windowSeconds: s.rate_window_seconds }],
      { actor: actor(user), ip: input.ip, what: 'login_otp' },
    );
    const second = await checkSecondFactor(db, identity, user, input.otp);
    if (!second.ok) return fail(db, identity, input, subject, user, 'bad_otp');
    via = second.via;
  }
  await clearLoginFailures(db, subject);

  const perms = permissionsOf(await rolesOfUser(db, user.id));
  const restricted = !user.mfa_enabled_at && mfaRequired(await readMfaPolicy(db), perms);
  const who = actor(user);
  const tokens = await openSession(
    db,
    identity,
    { userId: user.id, restricted, client: input.client, ip: input.ip, userAgent: input.userAgent },
    (sid) => [
      ...(via === 'recovery_code'
        ? [
            {
              code: 'mfa.recovery_code.used' as const,
              actor: who,
              target: { type: 'user', id: user.id },
              ip: input.ip,
            },
          ]
        : []),
      {
        code: 'auth.login.succeeded',
        actor: who,
        target: { type: 'user', id: user.id },
        ip: input.ip,
        details: { session_id: sid, factor: via, restricted, client: input.client },
      },
      {
        code: 'auth.token.issued',
        actor: who,
        target: { type: 'session', id: sid },
        ip: input.ip,
        details: { client: input.client },
      },
    ],
  );
  if (needsRehash(user.password_hash)) {
    // Parameters were raised since this hash was made: replace it now that we know the password.
    await replacePasswordHash(db, user.id, user.password_hash, await hashPassword(input.password));
    log.info('password rehashed with current parameters', { user_id: user.id });
  }
  return tokens;
}

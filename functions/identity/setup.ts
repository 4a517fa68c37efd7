import { ANONYMOUS, appendAuditEvents, audit } from '../../core/audit/append.ts';
import { constantTimeEqualText, sha256Hex } from '../../core/crypto/bytes.ts';
import type { UserRow } from '../../core/db/sql/users.ts';
import { activeAdminExists, lockLiveSetupToken, markSetupTokenUsed } from '../../core/db/sql/setup.ts';
import type { Db } from '../../core/db/types.ts';
import { createUser } from '../../core/identity/accounts.ts';
import type { IdentityRuntime } from '../../core/identity/runtime.ts';
import { ApiError } from '../http/errors.ts';
import { weakPassword } from '../routes/auth/password.ts';
import { enforceLimits } from './rate-limit.ts';

export interface SetupInput {
  token: string;
  username: string;
  email: string;
  password: string;
  ip: string;
}

const ADMIN_ROLES = ['admin'];

/** One answer for an unknown, used, replaced or expired token: which it was stays in the audit log. */
const invalidToken = (): ApiError =>
  new ApiError(
    403,
    'setup_token_invalid',
    'this setup link is not valid (used, replaced by a newer one, or expired): run `openwatch setup-link` for a new one',
  );

const setupComplete = (): ApiError =>
  new ApiError(409, 'setup_complete', 'an administrator already exists: sign in instead');

type Outcome =
  | { ok: true; user: UserRow }
  | { ok: false; error: ApiError; rejected?: 'no_live_token' | 'mismatch' | 'expired' };

/**
 * Creates the first administrator with the one-time setup token. The live token row is locked first, so
 * concurrent attempts run one after the other: the admin is created and the token spent in one
 * transaction, and whoever comes second finds an administrator (409) or a spent token (403).
 */
export async function completeSetup(db: Db, identity: IdentityRuntime, input: SetupInput): Promise<UserRow> {
  const s = identity.settings;
  await enforceLimits(
    db,
    [{ key: `setup:ip:${input.ip}`, max: s.login_limit_per_ip, windowSeconds: s.rate_window_seconds }],
    { actor: ANONYMOUS, ip: input.ip, what: 'setup' },
  );
  const given = await sha256Hex(input.token);
  const common = await identity.commonPasswords();
  const outcome = await db.transaction(async (tx): Promise<Outcome> => {
    const live = await lockLiveSetupToken(tx);
    if (await activeAdminExists(tx)) return { ok: false, error: setupComplete() };
    if (!live) return { ok: false, error: invalidToken(), rejected: 'no_live_token' };
    // Hashes of equal length compared in constant time: the stored hash never leaks through timing.
    if (!constantTimeEqualText(given, live.token_hash))
      return { ok: false, error: invalidToken(), rejected: 'mismatch' };
    if (live.expired) return { ok: false, error: invalidToken(), rejected: 'expired' };
    const created = await createUser(
      tx,
      {
        username: input.username,
        email: input.email,
        displayName: '',
        password: input.password,
        roles: ADMIN_ROLES,
      },
      common,
    );
    if (!created.ok) {
      if (created.reason === 'weak_password') return { ok: false, error: weakPassword(created.messages) };
      if (created.reason === 'username_taken')
        return { ok: false, error: new ApiError(409, 'username_taken', 'that username is taken') };
      throw new Error('the admin role is missing: is the database migrated?');
    }
    if (!(await markSetupTokenUsed(tx, live.token_hash, created.user.id)))
      throw new Error('the locked setup token changed under its lock');
    await appendAuditEvents(tx, [
      {
        code: 'setup.admin_created',
        actor: { id: created.user.id, name: created.user.username },
        target: { type: 'user', id: created.user.id },
        ip: input.ip,
        details: { username: created.user.username, roles: ADMIN_ROLES },
      },
    ]);
    return { ok: true, user: created.user };
  });
  if (outcome.ok) return outcome.user;
  if (outcome.rejected) {
    await audit(db, {
      code: 'setup.token_rejected',
      actor: ANONYMOUS,
      ip: input.ip,
      details: { reason: outcome.rejected },
    });
  }
  throw outcome.error;
}

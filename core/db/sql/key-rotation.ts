import type { Queryable } from '../types.ts';

export interface RotationRow {
  key_version: string;
  started_at: Date;
  completed_at: Date | null;
  retired_versions: string[];
}

export async function rotationByVersion(q: Queryable, version: string): Promise<RotationRow | undefined> {
  const { rows } = await q.query<RotationRow>(
    'select key_version, started_at, completed_at, retired_versions from envelope_key_rotations where key_version = $1',
    [version],
  );
  return rows[0];
}

export async function startRotation(q: Queryable, version: string): Promise<void> {
  await q.query('insert into envelope_key_rotations (key_version) values ($1) on conflict do nothing', [
    version,
  ]);
}

export async function completeRotation(
  q: Queryable,
  version: string,
  retired: readonly string[],
): Promise<void> {
  await q.query(
    `update envelope_key_rotations set completed_at = now(), retired_versions = $2::text[]
     where key_version = $1 and completed_at is null`,
    [version, retired],
  );
}

export interface CredentialEnvelopes {
  id: string;
  secret_enc: string;
  passphrase_enc: string | null;
  sudo_password_enc: string | null;
}

/** A batch of credentials sealed under another key, locked until the caller's transaction ends. */
export async function lockCredentialsNotUnder(
  q: Queryable,
  version: string,
  limit: number,
): Promise<CredentialEnvelopes[]> {
  const { rows } = await q.query<CredentialEnvelopes>(
    `select id, secret_enc, passphrase_enc, sudo_password_enc from credentials
     where key_version <> $1 order by id limit $2 for update`,
    [version, limit],
  );
  return rows;
}

export async function setCredentialEnvelopes(
  q: Queryable,
  c: CredentialEnvelopes & { key_version: string },
): Promise<void> {
  await q.query(
    `update credentials set secret_enc = $2, passphrase_enc = $3, sudo_password_enc = $4, key_version = $5
     where id = $1`,
    [c.id, c.secret_enc, c.passphrase_enc, c.sudo_password_enc, c.key_version],
  );
}

/** TOTP secrets (users.mfa_secret) sealed under another key: the version is the envelope's second field. */
export async function lockMfaSecretsNotUnder(
  q: Queryable,
  version: string,
  limit: number,
): Promise<Array<{ id: string; mfa_secret: string }>> {
  const { rows } = await q.query<{ id: string; mfa_secret: string }>(
    `select id, mfa_secret from users
     where mfa_secret is not null and split_part(mfa_secret, ':', 2) <> $1 order by id limit $2 for update`,
    [version, limit],
  );
  return rows;
}

export async function setMfaSecret(q: Queryable, id: string, envelope: string): Promise<void> {
  await q.query('update users set mfa_secret = $2 where id = $1', [id, envelope]);
}

export async function countEnvelopesNotUnder(
  q: Queryable,
  version: string,
): Promise<{ credentials: number; mfa_secrets: number; channels: number }> {
  const { rows } = await q.query<{ credentials: number; mfa_secrets: number; channels: number }>(
    `select (select count(*)::int from credentials where key_version <> $1) as credentials,
            (select count(*)::int from users
              where mfa_secret is not null and split_part(mfa_secret, ':', 2) <> $1) as mfa_secrets,
            (select count(*)::int from notification_channels where key_version <> $1) as channels`,
    [version],
  );
  return rows[0] ?? { credentials: 0, mfa_secrets: 0, channels: 0 };
}

/** A batch of notification channels sealed under another key, locked until the transaction ends. */
export async function lockChannelsNotUnder(
  q: Queryable,
  version: string,
  limit: number,
): Promise<{ id: string; secret_enc: string }[]> {
  const { rows } = await q.query<{ id: string; secret_enc: string }>(
    `select id::text as id, secret_enc from notification_channels where key_version <> $1
      order by id limit $2 for update`,
    [version, limit],
  );
  return rows;
}

export async function setChannelEnvelope(
  q: Queryable,
  id: string,
  envelope: string,
  version: string,
): Promise<void> {
  await q.query('update notification_channels set secret_enc = $2, key_version = $3 where id = $1', [
    id,
    envelope,
    version,
  ]);
}

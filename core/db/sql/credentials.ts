import type { Queryable } from '../types.ts';

/** A credential as stored: secrets are envelopes, never returned by the API. */
export interface CredentialRow {
  id: string;
  name: string;
  is_default: boolean;
  username: string;
  auth_method: 'key' | 'password';
  secret_enc: string;
  passphrase_enc: string | null;
  sudo_password_enc: string | null;
  key_fingerprint: string | null;
  key_version: string;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface CredentialInput {
  id: string;
  name: string;
  isDefault: boolean;
  username: string;
  authMethod: 'key' | 'password';
  secretEnc: string;
  passphraseEnc: string | null;
  sudoPasswordEnc: string | null;
  keyFingerprint: string | null;
  keyVersion: string;
  createdBy: string | null;
}

const COLUMNS = `id, name, is_default, username, auth_method, secret_enc, passphrase_enc, sudo_password_enc,
  key_fingerprint, key_version, created_by, created_at, updated_at`;

export async function listCredentials(q: Queryable): Promise<CredentialRow[]> {
  const { rows } = await q.query<CredentialRow>(
    `select ${COLUMNS} from credentials order by lower(name), id`,
  );
  return rows;
}

export async function credentialById(q: Queryable, id: string): Promise<CredentialRow | undefined> {
  const { rows } = await q.query<CredentialRow>(`select ${COLUMNS} from credentials where id = $1`, [id]);
  return rows[0];
}

/** For update: locks the row so a concurrent change cannot interleave with re-sealing. */
export async function lockCredential(q: Queryable, id: string): Promise<CredentialRow | undefined> {
  const { rows } = await q.query<CredentialRow>(
    `select ${COLUMNS} from credentials where id = $1 for update`,
    [id],
  );
  return rows[0];
}

export async function credentialByName(q: Queryable, name: string): Promise<CredentialRow | undefined> {
  const { rows } = await q.query<CredentialRow>(
    `select ${COLUMNS} from credentials where lower(name) = lower($1)`,
    [name],
  );
  return rows[0];
}

/** Clears the system default (except on `keep`), so another credential can become it. */
export async function clearDefaultCredential(q: Queryable, keep: string): Promise<void> {
  await q.query(
    'update credentials set is_default = false, updated_at = now() where is_default and id <> $1',
    [keep],
  );
}

export async function insertCredential(q: Queryable, c: CredentialInput): Promise<CredentialRow> {
  const { rows } = await q.query<CredentialRow>(
    `insert into credentials (id, name, is_default, username, auth_method, secret_enc, passphrase_enc,
       sudo_password_enc, key_fingerprint, key_version, created_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning ${COLUMNS}`,
    [
      c.id,
      c.name,
      c.isDefault,
      c.username,
      c.authMethod,
      c.secretEnc,
      c.passphraseEnc,
      c.sudoPasswordEnc,
      c.keyFingerprint,
      c.keyVersion,
      c.createdBy,
    ],
  );
  const row = rows[0];
  if (!row) throw new Error('insert returned no row');
  return row;
}

/** Writes the whole row back (the caller merged the change into a locked row). */
export async function replaceCredential(
  q: Queryable,
  c: Omit<CredentialInput, 'createdBy'>,
): Promise<CredentialRow> {
  const { rows } = await q.query<CredentialRow>(
    `update credentials set name = $2, is_default = $3, username = $4, auth_method = $5, secret_enc = $6,
       passphrase_enc = $7, sudo_password_enc = $8, key_fingerprint = $9, key_version = $10, updated_at = now()
     where id = $1 returning ${COLUMNS}`,
    [
      c.id,
      c.name,
      c.isDefault,
      c.username,
      c.authMethod,
      c.secretEnc,
      c.passphraseEnc,
      c.sudoPasswordEnc,
      c.keyFingerprint,
      c.keyVersion,
    ],
  );
  const row = rows[0];
  if (!row) throw new Error('update returned no row');
  return row;
}

export async function deleteCredential(q: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await q.query('delete from credentials where id = $1', [id]);
  return rowCount > 0;
}

/** Live hosts that name this credential as their own. */
export async function credentialHostCount(q: Queryable, id: string): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    'select count(*)::int as n from hosts where credential_id = $1 and deleted_at is null',
    [id],
  );
  return rows[0]?.n ?? 0;
}

/** The credential a host connects with: its own, else the system default. */
export async function credentialForHost(q: Queryable, hostId: string): Promise<CredentialRow | undefined> {
  const { rows } = await q.query<CredentialRow>(
    `select ${COLUMNS} from credentials
     where id = (select coalesce(h.credential_id, (select d.id from credentials d where d.is_default))
                 from hosts h where h.id = $1 and h.deleted_at is null)`,
    [hostId],
  );
  return rows[0];
}

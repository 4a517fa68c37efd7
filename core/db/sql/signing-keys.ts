import type { Queryable } from '../types.ts';

export interface SigningKeyRow {
  kid: string;
  alg: 'EdDSA' | 'ES256';
  public_jwk: Record<string, string>;
  created_at: Date;
  retired_at: Date | null;
}

/** Registers a public key; an existing kid is left as it is (a retired key stays retired). */
export async function registerSigningKey(
  q: Queryable,
  k: { kid: string; alg: string; publicJwk: Record<string, string> },
): Promise<void> {
  await q.query(
    `insert into jwt_signing_keys (kid, alg, public_jwk) values ($1, $2, $3::jsonb) on conflict (kid) do nothing`,
    [k.kid, k.alg, JSON.stringify(k.publicJwk)],
  );
}

/** A key that may still verify tokens: not retired, or retired in the future. */
export async function verificationKey(q: Queryable, kid: string): Promise<SigningKeyRow | undefined> {
  const { rows } = await q.query<SigningKeyRow>(
    `select kid, alg, public_jwk, created_at, retired_at from jwt_signing_keys
     where kid = $1 and (retired_at is null or retired_at > now())`,
    [kid],
  );
  return rows[0];
}

export async function listSigningKeys(q: Queryable): Promise<SigningKeyRow[]> {
  const { rows } = await q.query<SigningKeyRow>(
    'select kid, alg, public_jwk, created_at, retired_at from jwt_signing_keys order by created_at, kid',
  );
  return rows;
}

/**
 * Schedules every other live key to retire `overlapSeconds` from now (the access-token lifetime), so
 * tokens they signed stay valid until they expire. Returns the kids affected.
 */
export async function retireOtherKeys(
  q: Queryable,
  keepKid: string,
  overlapSeconds: number,
): Promise<string[]> {
  const { rows } = await q.query<{ kid: string }>(
    `update jwt_signing_keys
     set retired_at = least(coalesce(retired_at, 'infinity'), now() + make_interval(secs => $2))
     where kid <> $1 and (retired_at is null or retired_at > now()) returning kid`,
    [keepKid, overlapSeconds],
  );
  return rows.map((r) => r.kid);
}

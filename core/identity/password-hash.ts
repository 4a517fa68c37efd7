import { scrypt } from 'node:crypto';
import { constantTimeEqual, fromBase64, randomBytes, toBase64 } from '../crypto/bytes.ts';

/**
 * Memory-hard password hashing with scrypt (node:crypto: native on Node, and on workerd through
 * nodejs_compat). Stored as `$scrypt$ln=16,r=8,p=2$<base64 salt>$<base64 key>`: the parameters travel
 * with each hash, so raising them later only changes new hashes, and logins rehash old ones.
 *
 * N=2^16, r=8, p=2 is one of OWASP's equivalent scrypt settings (64 MiB). Measured (bench/RESULTS.md,
 * "identity"): ~0.34 s per hash on Node and ~0.25 s in workerd on a 2-core machine, against ~0.39 s /
 * ~0.28 s for N=2^17, r=8, p=1; it needs half the memory of N=2^17, which matters inside a Worker's
 * 128 MB isolate and when several logins hash at once.
 */
export interface ScryptParams {
  /** log2(N) */
  ln: number;
  r: number;
  p: number;
}

export const CURRENT_PARAMS: ScryptParams = { ln: 16, r: 8, p: 2 };
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** Parameters read from the database are bounded, so a corrupted row cannot exhaust memory or time. */
const MAX = { ln: 20, r: 32, p: 16 };
const FORMAT =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

/**
 * A hash of a random password under CURRENT_PARAMS. Logins for unknown usernames verify against it,
 * so they cost the same time as real ones. A test keeps its parameters equal to CURRENT_PARAMS.
 */
export const DUMMY_HASH =
  '$scrypt$ln=16,r=8,p=2$170cceEPTxLKUeUQzQMWGQ==$GMMLPE2d3MtMwcP+zX1WsuRow3bjxyrhHW5rdWJFSfI=';

function derive(password: string, salt: Uint8Array, params: ScryptParams): Promise<Uint8Array> {
  const N = 2 ** params.ln;
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFKC'),
      salt,
      KEY_BYTES,
      { N, r: params.r, p: params.p, maxmem: 129 * N * params.r + 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(new Uint8Array(key))),
    );
  });
}

export async function hashPassword(password: string, params: ScryptParams = CURRENT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${toBase64(salt)}$${toBase64(key)}`;
}

interface Parsed {
  params: ScryptParams;
  salt: Uint8Array;
  key: Uint8Array;
}

export function parseHash(stored: string): Parsed | undefined {
  const m = FORMAT.exec(stored);
  if (!m) return undefined;
  const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (
    params.ln < 1 ||
    params.ln > MAX.ln ||
    params.r < 1 ||
    params.r > MAX.r ||
    params.p < 1 ||
    params.p > MAX.p
  )
    return undefined;
  return { params, salt: fromBase64(m[4] ?? ''), key: fromBase64(m[5] ?? '') };
}

/** True when `password` matches; a malformed stored hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored) ?? parseHash(DUMMY_HASH);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.params);
  return constantTimeEqual(key, parsed.key) && parseHash(stored) !== undefined;
}

/** Whether a hash was made with weaker parameters than today's, and should be replaced at next login. */
export function needsRehash(stored: string, params: ScryptParams = CURRENT_PARAMS): boolean {
  const parsed = parseHash(stored);
  if (!parsed) return true;
  const cost = (p: ScryptParams) => 2 ** p.ln * p.r * p.p;
  return cost(parsed.params) < cost(params) || parsed.params.r < params.r;
}

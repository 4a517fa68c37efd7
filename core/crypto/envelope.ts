import type { CryptoKey } from 'jose';
import { fromBase64, sha256, toBase64, toHex, utf8 } from './bytes.ts';

/**
 * THE envelope for every secret OpenWatch stores (MFA secrets, SSH credentials, channel configs):
 *
 *   v1:<keyVersion>:<base64 iv>:<base64 ciphertext+tag>
 *
 * AES-256-GCM under the data-encryption key (DEK) named by keyVersion, a 96-bit random IV, and
 * additional authenticated data naming the record and field (`users:<id>:mfa_secret`), so a
 * ciphertext copied into another row or column fails to decrypt. keyVersion is a fingerprint of the
 * DEK, so several keys can be loaded at once while data is re-encrypted under a new one.
 */
export const ENVELOPE_VERSION = 'v1';
const IV_BYTES = 12;
const KEY_BYTES = 32;

export class EnvelopeError extends Error {
  override name = 'EnvelopeError';
}

export interface Keyring {
  /** Version that new envelopes are sealed under. */
  current: string;
  keys: ReadonlyMap<string, CryptoKey>;
}

/** Eight hex characters of SHA-256 over a domain tag and the key: names the key without revealing it. */
export async function keyVersionOf(raw: Uint8Array<ArrayBuffer>): Promise<string> {
  const tagged = new Uint8Array([...utf8('openwatch-dek-v1:'), ...raw]);
  return toHex(await sha256(tagged)).slice(0, 8);
}

/** Builds a keyring from raw 32-byte keys; the first one seals, all of them open. */
export async function createKeyring(rawKeys: Uint8Array<ArrayBuffer>[]): Promise<Keyring> {
  const keys = new Map<string, CryptoKey>();
  let current: string | undefined;
  for (const raw of rawKeys) {
    if (raw.length !== KEY_BYTES) throw new EnvelopeError(`a data-encryption key must be ${KEY_BYTES} bytes`);
    const version = await keyVersionOf(raw);
    keys.set(version, await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']));
    current ??= version;
  }
  if (current === undefined) throw new EnvelopeError('a keyring needs at least one key');
  return { current, keys };
}

/** The AAD: which record and field the ciphertext belongs to. */
export function envelopeContext(table: string, id: string, field: string): string {
  return `${table}:${id}:${field}`;
}

export async function seal(
  ring: Keyring,
  plaintext: Uint8Array<ArrayBuffer>,
  context: string,
): Promise<string> {
  const key = ring.keys.get(ring.current);
  if (!key) throw new EnvelopeError('the current key is not in the keyring');
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ct = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: utf8(context) }, key, plaintext),
  );
  return [ENVELOPE_VERSION, ring.current, toBase64(iv), toBase64(ct)].join(':');
}

export async function open(
  ring: Keyring,
  envelope: string,
  context: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const parts = envelope.split(':');
  const [version, keyVersion, iv, ct] = parts;
  if (parts.length !== 4 || version !== ENVELOPE_VERSION || !keyVersion || !iv || !ct)
    throw new EnvelopeError('not an envelope');
  const key = ring.keys.get(keyVersion);
  if (!key) throw new EnvelopeError(`no key ${keyVersion} in the keyring`);
  try {
    return new Uint8Array(
      await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: fromBase64(iv), additionalData: utf8(context) },
        key,
        fromBase64(ct),
      ),
    );
  } catch {
    // Wrong key, altered ciphertext or a ciphertext moved to another record: one answer for all.
    throw new EnvelopeError('envelope does not open (altered, or sealed for another record)');
  }
}

/** The key version an envelope was sealed under, for re-encryption sweeps. */
export function envelopeKeyVersion(envelope: string): string | undefined {
  const parts = envelope.split(':');
  return parts.length === 4 && parts[0] === ENVELOPE_VERSION ? parts[1] : undefined;
}

import { createPrivateKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

export const CREDENTIAL_KEY_BYTES = 32;

export class KeyFileError extends Error {
  override name = 'KeyFileError';
}

/** A new Ed25519 signing key for access tokens, as PKCS#8 PEM. */
export function newJwtPrivateKeyPem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** A new 32-byte data-encryption key, base64 on one line. */
export function newCredentialKey(): string {
  return `${randomBytes(CREDENTIAL_KEY_BYTES).toString('base64')}\n`;
}

/** A key file's bytes; refused when missing, not a regular file, or readable by group or others. */
export function readKeyFile(path: string, what: string): Buffer {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new KeyFileError(`${what} ${path} does not exist`);
  }
  if (!st.isFile()) throw new KeyFileError(`${what} ${path} is not a regular file`);
  if ((st.mode & 0o077) !== 0) {
    throw new KeyFileError(
      `${what} ${path} is readable by others (mode ${(st.mode & 0o777).toString(8)}); chmod 600 it`,
    );
  }
  return readFileSync(path);
}

/** The credential (data-encryption) key: base64 text of 32 bytes, or the 32 raw bytes. */
export function loadCredentialKey(path: string): Buffer {
  const raw = readKeyFile(path, 'credential key file');
  if (raw.length === CREDENTIAL_KEY_BYTES) return raw;
  const text = raw.toString('utf8').trim();
  const decoded = Buffer.from(text, 'base64');
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(text) && decoded.length === CREDENTIAL_KEY_BYTES) return decoded;
  throw new KeyFileError(
    `credential key file ${path} must hold ${CREDENTIAL_KEY_BYTES} bytes (raw or base64)`,
  );
}

/** The JWT signing key: an Ed25519 or P-256 private key in PEM. */
export function loadJwtPrivateKey(path: string): KeyObject {
  const raw = readKeyFile(path, 'JWT private key');
  let key: KeyObject;
  try {
    key = createPrivateKey(raw);
  } catch {
    throw new KeyFileError(`JWT private key ${path} is not a PEM private key`);
  }
  const ok =
    key.asymmetricKeyType === 'ed25519' ||
    (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1');
  if (!ok) throw new KeyFileError(`JWT private key ${path} must be Ed25519 or ECDSA P-256`);
  return key;
}

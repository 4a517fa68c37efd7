import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { z } from 'zod';

/**
 * The archive's secret part: keys, secrets.env, the TLS private key and the metrics token, sealed with
 * AES-256-GCM under a key derived from the operator's passphrase with scrypt. Nothing secret is ever
 * written to the archive in plaintext.
 */
const SCRYPT = { N: 2 ** 16, r: 8, p: 2, maxmem: 256 * 1024 * 1024 };
const MIN_PASSPHRASE = 12;

export interface SecretFile {
  /** What the file is for: credential_key, jwt_private_key, tls_key, secrets_env, metrics_token. */
  role: string;
  path: string;
  mode: number;
  content: string;
}

const sealedSchema = z.object({
  v: z.literal(1),
  kdf: z.literal('scrypt'),
  N: z.number().int(),
  r: z.number().int(),
  p: z.number().int(),
  salt: z.string(),
  iv: z.string(),
  ct: z.string(),
  tag: z.string(),
});

const filesSchema = z.array(
  z.object({ role: z.string(), path: z.string(), mode: z.number().int(), content: z.string() }),
);

export class BackupSecretError extends Error {
  override name = 'BackupSecretError';
}

function deriveKey(passphrase: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(passphrase, salt, 32, { N: n, r, p, maxmem: SCRYPT.maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export function checkPassphrase(passphrase: string): void {
  if (passphrase.length < MIN_PASSPHRASE)
    throw new BackupSecretError(`the backup passphrase must be at least ${MIN_PASSPHRASE} characters`);
}

export async function sealSecrets(files: SecretFile[], passphrase: string): Promise<string> {
  checkPassphrase(passphrase);
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = await deriveKey(passphrase, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from('openwatch-backup-secrets-v1'));
  const ct = Buffer.concat([cipher.update(JSON.stringify(files), 'utf8'), cipher.final()]);
  const sealed = { v: 1, kdf: 'scrypt', N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p };
  return JSON.stringify({
    ...sealed,
    salt: salt.toString('base64'),
    iv: iv.toString('base64'),
    ct: ct.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  });
}

export async function openSecrets(text: string, passphrase: string): Promise<SecretFile[]> {
  const s = sealedSchema.parse(JSON.parse(text));
  const key = await deriveKey(passphrase, Buffer.from(s.salt, 'base64'), s.N, s.r, s.p);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(s.iv, 'base64'));
  decipher.setAAD(Buffer.from('openwatch-backup-secrets-v1'));
  decipher.setAuthTag(Buffer.from(s.tag, 'base64'));
  try {
    const plain = Buffer.concat([decipher.update(Buffer.from(s.ct, 'base64')), decipher.final()]);
    return filesSchema.parse(JSON.parse(plain.toString('utf8')));
  } catch {
    throw new BackupSecretError(
      'cannot decrypt the archive’s secrets: wrong passphrase or a damaged archive',
    );
  }
}

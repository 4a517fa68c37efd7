import { join, resolve } from 'node:path';
import { generate } from 'selfsigned';
import { existsSync, rmSync } from 'node:fs';
import { ensureSecretFile, writeSecretFile } from './files.ts';
import { newCredentialKey, newJwtPrivateKeyPem } from './keys.ts';
import { randomBytes } from 'node:crypto';

export interface DevSecrets {
  jwtPrivateKey: string;
  credentialKeyFile: string;
  tlsCert: string;
  tlsKey: string;
  postgresPasswordFile: string;
  /** Files created by this call (the others already existed and were kept). */
  created: string[];
}

async function selfSignedCert(): Promise<{ cert: string; key: string }> {
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + 365 * 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/**
 * Development mode only: creates whatever is missing of the JWT signing key, the 32-byte credential key,
 * a self-signed TLS certificate for localhost and the embedded database's password, all 0600 under
 * `dir`. Existing files are kept, so restarts keep sessions, encrypted data and the trusted certificate.
 */
export async function ensureDevSecrets(dir: string): Promise<DevSecrets> {
  const base = resolve(dir);
  const s = {
    jwtPrivateKey: join(base, 'secrets', 'jwt-signing-key.pem'),
    credentialKeyFile: join(base, 'secrets', 'credential.key'),
    tlsCert: join(base, 'tls', 'localhost.crt'),
    tlsKey: join(base, 'tls', 'localhost.key'),
    postgresPasswordFile: join(base, 'secrets', 'postgres.password'),
  };
  const created: string[] = [];
  if (await ensureSecretFile(s.jwtPrivateKey, newJwtPrivateKeyPem)) created.push(s.jwtPrivateKey);
  if (await ensureSecretFile(s.credentialKeyFile, newCredentialKey)) created.push(s.credentialKeyFile);
  if (await ensureSecretFile(s.postgresPasswordFile, () => randomBytes(24).toString('base64url'))) {
    created.push(s.postgresPasswordFile);
  }
  if (!existsSync(s.tlsCert) || !existsSync(s.tlsKey)) {
    const { cert, key } = await selfSignedCert();
    rmSync(s.tlsCert, { force: true });
    rmSync(s.tlsKey, { force: true });
    writeSecretFile(s.tlsKey, key);
    writeSecretFile(s.tlsCert, cert);
    created.push(s.tlsCert, s.tlsKey);
  }
  return { ...s, created };
}

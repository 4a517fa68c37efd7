import type { CryptoKey } from 'jose';
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { importReportKeyPem, type ReportKey as ServerReportKey } from '../reports/key.ts';
import { writeSecretFile } from './files.ts';
import { readKeyFile } from './keys.ts';

/** A report signing key as WebCrypto wants it, with its raw public half. */
export interface ReportKey {
  privateKey: CryptoKey;
  rawPublicKey: Uint8Array<ArrayBuffer>;
}

/** The 32 raw bytes of an Ed25519 public key (the end of its SPKI DER). */
function rawPublic(pub: KeyObject): Uint8Array<ArrayBuffer> {
  const der = pub.export({ type: 'spki', format: 'der' });
  return new Uint8Array(der.subarray(der.length - 32));
}

/** Writes a new Ed25519 report key (PKCS#8 PEM, mode 0600) and returns its public key (SPKI PEM). */
export async function generateReportKey(file: string): Promise<string> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  writeSecretFile(file, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

export async function loadReportKey(file: string): Promise<ReportKey> {
  const pem = await readFile(file, 'utf8');
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${file}: not an Ed25519 private key`);
  const der = key.export({ type: 'pkcs8', format: 'der' });
  const privateKey = await crypto.subtle.importKey('pkcs8', new Uint8Array(der), 'Ed25519', false, ['sign']);
  return { privateKey, rawPublicKey: rawPublic(createPublicKey(key)) };
}

/** A trusted public key file (SPKI PEM, as `report keygen` prints) → raw bytes. */
export async function loadReportPublicKey(file: string): Promise<Uint8Array<ArrayBuffer>> {
  const key = createPublicKey(await readFile(file, 'utf8'));
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${file}: not an Ed25519 public key`);
  return rawPublic(key);
}

/** The key `serve` signs report snapshots with (`reports.key_file`), or undefined when none is configured. */
export async function serverReportKey(file: string | undefined): Promise<ServerReportKey | undefined> {
  return file === undefined
    ? undefined
    : importReportKeyPem(readKeyFile(file, 'report key file').toString('utf8'));
}

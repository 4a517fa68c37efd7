import type { CryptoKey } from 'jose';
import { fromBase64, fromBase64Url } from '../crypto/bytes.ts';

/** A report signing key as WebCrypto wants it, with its raw public half. */
export interface ReportKey {
  privateKey: CryptoKey;
  rawPublicKey: Uint8Array<ArrayBuffer>;
}

/**
 * An Ed25519 report key from its PKCS#8 PEM (what `openwatch report keygen` writes), with WebCrypto only,
 * so the API signs snapshots on both runtimes (Node reads the file, workerd a secret binding).
 */
export async function importReportKeyPem(pem: string): Promise<ReportKey> {
  const m = /-----BEGIN PRIVATE KEY-----([\s\S]+?)-----END PRIVATE KEY-----/.exec(pem);
  if (!m?.[1]) throw new Error('the report key is not a PKCS#8 PEM private key');
  const der = fromBase64(m[1].replace(/\s+/g, ''));
  const extractable = await crypto.subtle.importKey('pkcs8', der, 'Ed25519', true, ['sign']);
  const jwk = (await crypto.subtle.exportKey('jwk', extractable)) as { crv?: string; x?: string };
  if (jwk.crv !== 'Ed25519' || !jwk.x) throw new Error('the report key is not an Ed25519 key');
  const rawPublicKey = fromBase64Url(jwk.x);
  const privateKey = await crypto.subtle.importKey('pkcs8', der, 'Ed25519', false, ['sign']);
  return { privateKey, rawPublicKey };
}

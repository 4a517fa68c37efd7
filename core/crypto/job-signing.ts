import { canonicalJson } from '../canonical-json.ts';
/**
 * Job payloads are signed so that a runner acts only on jobs the API created: someone who can write to
 * the jobs table but does not hold the credential key cannot make a runner scan another address or use
 * another credential. The HMAC key is derived from the credential key (the DEK) with HKDF, so there is
 * no second secret to distribute. WebCrypto only: jobs are signed on workerd too.
 */
const JOB_SIGNING = 'openwatch job-signing v1';

/** WebCrypto's key type, named so that both runtimes' type sets agree on it. */
export type JobKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

/** An HMAC-SHA-256 key for one purpose, derived from the credential key with HKDF (info = purpose). */
export async function deriveHmacKey(credentialKey: Uint8Array, purpose: string): Promise<JobKey> {
  const ikm = await crypto.subtle.importKey('raw', credentialKey, 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: new TextEncoder().encode(purpose) },
    ikm,
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    false,
    ['sign', 'verify'],
  );
}

export function deriveJobKey(credentialKey: Uint8Array): Promise<JobKey> {
  return deriveHmacKey(credentialKey, JOB_SIGNING);
}

function message(kind: string, payload: unknown): Uint8Array {
  return new TextEncoder().encode(`${kind}\n${canonicalJson(payload)}`);
}

function toBase64Url(bytes: ArrayBuffer): string {
  let s = '';
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

export async function signJob(key: JobKey, kind: string, payload: unknown): Promise<string> {
  return `v1.${toBase64Url(await crypto.subtle.sign('HMAC', key, message(kind, payload)))}`;
}

/** Constant-time verification (WebCrypto's verify); false for any malformed signature. */
export async function verifyJob(
  key: JobKey,
  kind: string,
  payload: unknown,
  signature: string,
): Promise<boolean> {
  const [version, mac] = signature.split('.');
  if (version !== 'v1' || mac === undefined) return false;
  const bytes = fromBase64Url(mac);
  if (!bytes) return false;
  return crypto.subtle.verify('HMAC', key, bytes, message(kind, payload));
}

import type { CryptoKey } from 'jose';
import { canonicalJson } from '../canonical-json.ts';
import { fromBase64, sha256Hex, toBase64, utf8 } from '../crypto/bytes.ts';
import { z } from 'zod';

/**
 * A signed report: the rendered file (HTML, PDF, XCCDF …) with its SHA-256 and an Ed25519 signature
 * over the canonical JSON of everything but the signature. The report key is its own key, never the
 * JWT key: rotating one must not invalidate the other. WebCrypto only, so both runtimes can sign.
 */
export const SIGNED_REPORT_FORMAT = 'openwatch.signed-report' as const;

export const SignedReportSchema = z.strictObject({
  format: z.literal(SIGNED_REPORT_FORMAT),
  version: z.literal(1),
  report: z.strictObject({
    kind: z.string().min(1),
    media_type: z.string().min(1),
    filename: z.string().min(1),
    created_at: z.string(),
    content_base64: z.string(),
  }),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  signature: z.strictObject({
    alg: z.literal('Ed25519'),
    key_id: z.string(),
    public_key: z.string(),
    value: z.string(),
  }),
});
export type SignedReport = z.infer<typeof SignedReportSchema>;

export interface ReportContent {
  kind: string;
  media_type: string;
  filename: string;
  content: Uint8Array<ArrayBuffer>;
}

/** The first 16 hex digits of the SHA-256 of the raw public key: what an operator compares. */
export async function reportKeyId(rawPublicKey: Uint8Array<ArrayBuffer>): Promise<string> {
  return (await sha256Hex(rawPublicKey)).slice(0, 16);
}

function signedBytes(r: Omit<SignedReport, 'signature'>, keyId: string): Uint8Array<ArrayBuffer> {
  // The key id is signed too, so an envelope cannot be re-labelled with another key's name.
  return utf8(
    canonicalJson({
      format: r.format,
      version: r.version,
      report: r.report,
      sha256: r.sha256,
      key_id: keyId,
    }),
  );
}

export async function signReport(
  c: ReportContent,
  privateKey: CryptoKey,
  rawPublicKey: Uint8Array<ArrayBuffer>,
  now: Date,
): Promise<SignedReport> {
  const body = {
    format: SIGNED_REPORT_FORMAT,
    version: 1 as const,
    report: {
      kind: c.kind,
      media_type: c.media_type,
      filename: c.filename,
      created_at: now.toISOString(),
      content_base64: toBase64(c.content),
    },
    sha256: await sha256Hex(c.content),
  };
  const keyId = await reportKeyId(rawPublicKey);
  const sig = await crypto.subtle.sign('Ed25519', privateKey, signedBytes(body, keyId));
  return {
    ...body,
    signature: {
      alg: 'Ed25519',
      key_id: keyId,
      public_key: toBase64(rawPublicKey),
      value: toBase64(new Uint8Array(sig)),
    },
  };
}

/** The one serialisation of a signed report; verification accepts only these bytes. */
export function signedReportText(r: SignedReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}

export type VerifyOutcome =
  | {
      ok: true;
      keyId: string;
      pinned: boolean;
      report: SignedReport['report'];
      content: Uint8Array<ArrayBuffer>;
    }
  | { ok: false; reason: string };

/**
 * Checks a signed report file's text offline: its shape, the content's SHA-256, the signature, and,
 * when `trusted` raw public keys are given, that the signer is one of them.
 */
export async function verifySignedReport(
  text: string,
  trusted: readonly Uint8Array<ArrayBuffer>[] = [],
): Promise<VerifyOutcome> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not a signed report: not JSON' };
  }
  const env = SignedReportSchema.safeParse(parsed);
  if (!env.success)
    return { ok: false, reason: `not a signed report: ${env.error.issues[0]?.message ?? 'bad shape'}` };
  const r = env.data;
  // Only the exact bytes `signedReportText` wrote verify: not even whitespace may change.
  if (signedReportText(r) !== text)
    return { ok: false, reason: 'the file was altered (it is not byte for byte as signed)' };
  let content: Uint8Array<ArrayBuffer>;
  let publicKey: Uint8Array<ArrayBuffer>;
  let sig: Uint8Array<ArrayBuffer>;
  try {
    content = fromBase64(r.report.content_base64);
    publicKey = fromBase64(r.signature.public_key);
    sig = fromBase64(r.signature.value);
  } catch {
    return { ok: false, reason: 'content, key or signature is not base64' };
  }
  if ((await sha256Hex(content)) !== r.sha256)
    return { ok: false, reason: 'content does not match its SHA-256' };
  const keyId = await reportKeyId(publicKey);
  if (keyId !== r.signature.key_id) return { ok: false, reason: 'key id does not match the public key' };
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey('raw', publicKey, 'Ed25519', false, ['verify']);
  } catch {
    return { ok: false, reason: 'the public key is not an Ed25519 key' };
  }
  const good = await crypto.subtle.verify('Ed25519', key, sig, signedBytes(r, keyId));
  if (!good) return { ok: false, reason: 'signature does not verify' };
  const trustedIds = await Promise.all(trusted.map(reportKeyId));
  if (trusted.length > 0 && !trustedIds.includes(keyId))
    return { ok: false, reason: `signed by key ${keyId}, which is not a trusted report key` };
  return { ok: true, keyId, pinned: trusted.length > 0, report: r.report, content };
}

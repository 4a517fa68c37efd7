import { constantTimeEqualText, randomBytes } from '../crypto/bytes.ts';

/** RFC 6238 TOTP: HMAC-SHA1, 30-second steps, 6 digits, accepting one step either side for clock skew. */
export const STEP_SECONDS = 30;
export const DIGITS = 6;
export const WINDOW = 1;
export const SECRET_BYTES = 20;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Uint8Array<ArrayBuffer> {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const i = ALPHABET.indexOf(ch);
    if (i < 0) throw new Error('not base32');
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return new Uint8Array(out);
}

export function newTotpSecret(): Uint8Array<ArrayBuffer> {
  return randomBytes(SECRET_BYTES);
}

export function stepAt(unixMs: number): number {
  return Math.floor(unixMs / 1000 / STEP_SECONDS);
}

/** RFC 4226 HOTP for one counter value. */
export async function hotp(
  secret: Uint8Array<ArrayBuffer>,
  counter: number,
  digits = DIGITS,
): Promise<string> {
  const msg = new Uint8Array(8);
  new DataView(msg.buffer).setBigUint64(0, BigInt(counter));
  const key = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, msg));
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const bin =
    (((mac[offset] ?? 0) & 0x7f) << 24) |
    ((mac[offset + 1] ?? 0) << 16) |
    ((mac[offset + 2] ?? 0) << 8) |
    (mac[offset + 3] ?? 0);
  return String(bin % 10 ** digits).padStart(digits, '0');
}

export function totp(secret: Uint8Array<ArrayBuffer>, unixMs: number, digits = DIGITS): Promise<string> {
  return hotp(secret, stepAt(unixMs), digits);
}

/**
 * The step whose code matches, within ±WINDOW steps of now, or undefined. Every candidate is computed
 * and compared in constant time, so timing does not tell which step matched. Replay protection (a step
 * not above the last one used) is the caller's: it needs the stored last step.
 */
export async function matchTotp(
  secret: Uint8Array<ArrayBuffer>,
  code: string,
  unixMs: number,
): Promise<number | undefined> {
  if (!/^\d{6}$/.test(code)) return undefined;
  const now = stepAt(unixMs);
  let matched: number | undefined;
  for (let s = now - WINDOW; s <= now + WINDOW; s++) {
    if (constantTimeEqualText(await hotp(secret, s), code) && matched === undefined) matched = s;
  }
  return matched;
}

/** The otpauth:// URI authenticator apps read (usually shown as a QR code). */
export function provisioningUri(secret: Uint8Array, account: string, issuer = 'OpenWatch'): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const q = new URLSearchParams({
    secret: base32Encode(secret),
    issuer,
    algorithm: 'SHA1',
    digits: String(DIGITS),
    period: String(STEP_SECONDS),
  });
  return `otpauth://totp/${label}?${q.toString()}`;
}

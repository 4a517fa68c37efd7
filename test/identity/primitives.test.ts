import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../core/canonical-json.ts';
import { fromBase64, utf8 } from '../../core/crypto/bytes.ts';
import { createKeyring, envelopeKeyVersion, open, seal } from '../../core/crypto/envelope.ts';
import {
  CURRENT_PARAMS,
  DUMMY_HASH,
  hashPassword,
  needsRehash,
  parseHash,
  verifyPassword,
} from '../../core/identity/password-hash.ts';
import { checkPassword } from '../../core/identity/password-policy.ts';
import {
  base32Decode,
  base32Encode,
  hotp,
  matchTotp,
  provisioningUri,
  totp,
} from '../../core/identity/totp.ts';
import { nodeCommonPasswords } from '../../core/node/identity-runtime.ts';

describe('password policy (NIST 800-63B)', () => {
  const ctx = async (privileged = false) => ({
    username: 'alice',
    email: 'alice.smith@example.test',
    privileged,
    common: await nodeCommonPasswords(),
  });

  it('bundles a blocklist of common passwords', async () => {
    const list = await nodeCommonPasswords();
    expect(list.size).toBeGreaterThan(50_000);
    for (const pw of ['123456', 'password', 'qwertyqwerty', '1q2w3e4r5t6y', 'qazwsxedcrfv'])
      expect(list.has(pw)).toBe(true);
  });

  it('counts length only: 12 to 128 characters, 15 for privileged accounts, no composition rules', async () => {
    expect(checkPassword('sixteen chars ok', await ctx()).ok).toBe(true);
    expect(checkPassword('plain words here', await ctx()).ok).toBe(true);
    expect(checkPassword('short pw 11', await ctx()).issues).toEqual(['too_short']);
    expect(checkPassword('thirteen char', await ctx()).ok).toBe(true);
    expect(checkPassword('thirteen char', await ctx(true)).issues).toEqual(['too_short']);
    expect(checkPassword('fifteen chars!!', await ctx(true)).ok).toBe(true);
    expect(checkPassword('x'.repeat(60) + 'y'.repeat(69), await ctx()).issues).toContain('too_long');
    // Code points, not UTF-16 units: 12 emoji are 12 characters.
    expect(checkPassword('🐱🐶🦊🐻🐼🐨🐯🦁🐮🐷🐸🐵', await ctx()).ok).toBe(true);
  });

  it('rejects common and breached passwords, case-insensitively', async () => {
    const r = checkPassword('QwertyQwerty', await ctx());
    expect(r.issues).toEqual(['common']);
    expect(r.messages.join()).not.toContain('Qwerty');
  });

  it('rejects the username, the e-mail name, and repeated or sequential runs', async () => {
    expect(checkPassword('my name is alice!', await ctx()).issues).toEqual(['contains_username']);
    expect(checkPassword('alice.smith rules', await ctx()).issues).toEqual(['contains_username']);
    expect(checkPassword('kkkkkkkkkkkkkkkkkkk', await ctx()).issues).toEqual(['repetitive']);
    expect(checkPassword('abababababababab', await ctx()).issues).toEqual(['repetitive']);
    expect(checkPassword('lmnopqrstuvwxy', await ctx()).issues).toEqual(['repetitive']);
  });
});

describe('password hashing (scrypt)', () => {
  it('encodes its parameters and salt in the hash, and verifies', async () => {
    const h = await hashPassword('correct horse battery staple');
    expect(h).toMatch(/^\$scrypt\$ln=16,r=8,p=2\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(await verifyPassword('correct horse battery staple', h)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', h)).toBe(false);
    expect(await hashPassword('correct horse battery staple')).not.toBe(h);
  });

  it('verifies hashes made with other parameters and flags weaker ones for rehash', async () => {
    const weak = await hashPassword('correct horse battery staple', { ln: 10, r: 8, p: 1 });
    expect(weak).toContain('$ln=10,r=8,p=1$');
    expect(await verifyPassword('correct horse battery staple', weak)).toBe(true);
    expect(needsRehash(weak)).toBe(true);
    expect(needsRehash(await hashPassword('x'))).toBe(false);
  });

  it('never matches a malformed hash, and refuses absurd parameters', async () => {
    expect(await verifyPassword('x', 'not a hash')).toBe(false);
    expect(parseHash('$scrypt$ln=30,r=8,p=1$AAAA$AAAA')).toBeUndefined();
  });

  it('keeps the dummy hash (timing equaliser for unknown users) at the current parameters', () => {
    expect(parseHash(DUMMY_HASH)?.params).toEqual(CURRENT_PARAMS);
  });
});

describe('TOTP (RFC 6238, HMAC-SHA1)', () => {
  const secret = utf8('12345678901234567890');

  it('matches the RFC 6238 test vectors', async () => {
    const vectors: Array<[number, string]> = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1111111111, '14050471'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
      [20000000000, '65353130'],
    ];
    for (const [t, code] of vectors) expect(await totp(secret, t * 1000, 8)).toBe(code);
  });

  it('matches RFC 4226 HOTP vectors', async () => {
    expect(await hotp(secret, 0)).toBe('755224');
    expect(await hotp(secret, 9)).toBe('520489');
  });

  it('accepts one step of skew either way, and no more', async () => {
    const now = 1_700_000_000_000;
    const step = Math.floor(now / 30_000);
    for (const d of [-1, 0, 1])
      expect(await matchTotp(secret, await hotp(secret, step + d), now)).toBe(step + d);
    for (const d of [-2, 2])
      expect(await matchTotp(secret, await hotp(secret, step + d), now)).toBeUndefined();
    expect(await matchTotp(secret, 'abcdef', now)).toBeUndefined();
  });

  it('round-trips base32 and builds a provisioning URI', () => {
    expect(base32Encode(secret)).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(base32Decode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ')).toEqual(secret);
    const uri = new URL(provisioningUri(secret, 'alice'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/OpenWatch:alice');
    expect(Object.fromEntries(uri.searchParams)).toEqual({
      secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
      issuer: 'OpenWatch',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
  });
});

describe('secret envelope (AES-256-GCM)', () => {
  const key = () => crypto.getRandomValues(new Uint8Array(32));

  it('seals as v1:<keyVersion>:<iv>:<ciphertext+tag> and opens only for the same record and field', async () => {
    const ring = await createKeyring([key()]);
    const env = await seal(ring, utf8('s3cret'), 'users:1:mfa_secret');
    const [v, kv, iv, ct] = env.split(':');
    expect(v).toBe('v1');
    expect(kv).toBe(ring.current);
    expect(kv).toMatch(/^[0-9a-f]{8}$/);
    expect(fromBase64(iv ?? '').length).toBe(12);
    expect(fromBase64(ct ?? '').length).toBe(6 + 16);
    expect(new TextDecoder().decode(await open(ring, env, 'users:1:mfa_secret'))).toBe('s3cret');
    await expect(open(ring, env, 'users:2:mfa_secret')).rejects.toThrow('does not open');
    const flipped = `${v}:${kv}:${iv}:${(ct ?? '').replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`;
    await expect(open(ring, flipped, 'users:1:mfa_secret')).rejects.toThrow('does not open');
  });

  it('opens envelopes of every key in the ring and seals with the first', async () => {
    const oldKey = key();
    const oldRing = await createKeyring([oldKey]);
    const sealedOld = await seal(oldRing, utf8('x'), 'c');
    const ring = await createKeyring([key(), oldKey]);
    expect(ring.keys.size).toBe(2);
    expect(new TextDecoder().decode(await open(ring, sealedOld, 'c'))).toBe('x');
    const sealedNew = await seal(ring, utf8('y'), 'c');
    expect(envelopeKeyVersion(sealedNew)).toBe(ring.current);
    expect(envelopeKeyVersion(sealedOld)).toBe(oldRing.current);
    await expect(open(oldRing, sealedNew, 'c')).rejects.toThrow(/no key/);
  });
});

describe('canonical JSON for the audit chain', () => {
  it('sorts keys recursively and ignores insertion order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"x":2,"y":1}]},"b":1}',
    );
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });
});

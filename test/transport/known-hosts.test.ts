import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyTypeOf, normaliseFingerprint, sha256Fingerprint } from '../../engine/transport/fingerprint.ts';
import { decideHostKey, preferredHostKeyAlgorithms } from '../../engine/transport/host-key.ts';
import {
  entriesFor,
  hostFieldMatches,
  knownHostsName,
  parseKnownHosts,
} from '../../engine/transport/known-hosts.ts';

function blob(type: string, body: string): Buffer {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  return Buffer.concat([len, t, Buffer.from(body)]);
}

const ed = blob('ssh-ed25519', 'key-one');
const ed2 = blob('ssh-ed25519', 'key-two');
const ec = blob('ecdsa-sha2-nistp256', 'key-ec');

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('known_hosts parsing', () => {
  const text = [
    '# comment',
    '',
    `web1,10.0.0.5 ssh-ed25519 ${ed.toString('base64')} root@web1`,
    `[10.0.0.5]:2222 ecdsa-sha2-nistp256 ${ec.toString('base64')}`,
    `${hashed('db1')} ssh-ed25519 ${ed2.toString('base64')}`,
    `@revoked * ssh-ed25519 ${ed2.toString('base64')}`,
    `@cert-authority *.corp ssh-ed25519 ${ed.toString('base64')}`,
    'garbage-line-without-fields',
    `*.example.org,!bad.example.org ssh-ed25519 ${ed.toString('base64')}`,
  ].join('\n');
  const entries = parseKnownHosts(text);

  it('keeps valid lines with their line numbers and markers', () => {
    expect(entries.map((e) => [e.line, e.marker ?? '', e.keyType])).toEqual([
      [3, '', 'ssh-ed25519'],
      [4, '', 'ecdsa-sha2-nistp256'],
      [5, '', 'ssh-ed25519'],
      [6, 'revoked', 'ssh-ed25519'],
      [7, 'cert-authority', 'ssh-ed25519'],
      [9, '', 'ssh-ed25519'],
    ]);
  });

  it('names non-default ports in brackets', () => {
    expect(knownHostsName('h', 22)).toBe('h');
    expect(knownHostsName('h', 2222)).toBe('[h]:2222');
  });

  it('matches plain, port-qualified, hashed and wildcard names, honouring negation', () => {
    expect(entriesFor(entries, 'web1', 22).map((e) => e.line)).toEqual([3, 6]);
    expect(entriesFor(entries, '10.0.0.5', 2222).map((e) => e.line)).toEqual([4, 6]);
    expect(entriesFor(entries, 'db1', 22).map((e) => e.line)).toEqual([5, 6]);
    expect(entriesFor(entries, 'db1', 2222).map((e) => e.line)).toEqual([6]);
    expect(hostFieldMatches('*.example.org,!bad.example.org', 'a.example.org')).toBe(true);
    expect(hostFieldMatches('*.example.org,!bad.example.org', 'bad.example.org')).toBe(false);
    expect(hostFieldMatches('web?', 'web1')).toBe(true);
    expect(hostFieldMatches('web?', 'web12')).toBe(false);
  });
});

describe('fingerprints', () => {
  it('formats like OpenSSH and normalises pinned input', () => {
    const fp = sha256Fingerprint(ed);
    expect(fp).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(normaliseFingerprint(`${fp}=`)).toBe(fp);
    expect(normaliseFingerprint('MD5:aa:bb')).toBeUndefined();
    expect(keyTypeOf(ec)).toBe('ecdsa-sha2-nistp256');
  });
});

describe('host key decision', () => {
  const entries = parseKnownHosts(
    `h ssh-ed25519 ${ed.toString('base64')}\nh ecdsa-sha2-nistp256 ${ec.toString('base64')}\n`,
  );

  it('accepts any listed key type and prefers the known algorithms', () => {
    expect(decideHostKey({}, entries, ec, 'h:22')).toMatchObject({
      ok: true,
      info: { status: 'known', keyType: 'ecdsa-sha2-nistp256' },
    });
    expect(preferredHostKeyAlgorithms(parseKnownHosts(`h ssh-rsa AAAA\n`))).toEqual([
      'rsa-sha2-512',
      'rsa-sha2-256',
      'ssh-rsa',
    ]);
  });

  it('names the expected and offered fingerprints on a mismatch', () => {
    const d = decideHostKey({ knownHostsFile: 'kh' }, entries, ed2, 'h:22');
    expect(d.ok).toBe(false);
    if (d.ok) return;
    expect(d.error.code).toBe('host_key_mismatch');
    expect(d.error.message).toContain(sha256Fingerprint(ed));
    expect(d.error.message).toContain(sha256Fingerprint(ec));
    expect(d.error.message).toContain(sha256Fingerprint(ed2));
  });

  it('refuses unknown hosts unless accepting new keys, and a pin decides alone', () => {
    expect(decideHostKey({}, [], ed, 'h:22')).toMatchObject({
      ok: false,
      error: { code: 'host_key_unknown' },
    });
    expect(decideHostKey({ acceptNew: true }, [], ed, 'h:22')).toMatchObject({
      ok: true,
      info: { status: 'accepted_new' },
    });
    expect(decideHostKey({ fingerprint: sha256Fingerprint(ed) }, [], ed, 'h:22')).toMatchObject({
      ok: true,
      info: { status: 'pinned' },
    });
    expect(
      decideHostKey({ fingerprint: sha256Fingerprint(ed), acceptNew: true }, [], ed2, 'h:22'),
    ).toMatchObject({
      ok: false,
      error: { code: 'host_key_mismatch' },
    });
  });

  it('refuses a revoked key even when it is also listed', () => {
    const revoked = parseKnownHosts(
      `h ssh-ed25519 ${ed.toString('base64')}\n@revoked h ssh-ed25519 ${ed.toString('base64')}\n`,
    );
    expect(decideHostKey({}, revoked, ed, 'h:22')).toMatchObject({
      ok: false,
      error: { code: 'host_key_mismatch' },
    });
  });
});

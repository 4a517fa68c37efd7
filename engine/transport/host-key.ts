import type { ServerHostKeyAlgorithm } from 'ssh2';
import { keyTypeOf, normaliseFingerprint, sha256Fingerprint } from './fingerprint.ts';
import { appendKnownHost, entriesFor, readKnownHosts, type KnownHostEntry } from './known-hosts.ts';
import { TransportError } from './types.ts';

/** How a host's key is trusted. With neither a file nor a fingerprint every key is unknown. */
export interface HostKeyPolicy {
  /** OpenSSH known_hosts file to check against (and to append to when `acceptNew`). */
  knownHostsFile?: string;
  /** A pinned `SHA256:…` fingerprint; when given, it alone decides. */
  fingerprint?: string;
  /** Trust-on-first-use: accept a host with no known key and report (and record) its fingerprint. */
  acceptNew?: boolean;
}

/** What was verified, reported back to the caller (and on to the operator). */
export interface HostKeyInfo {
  keyType: string;
  fingerprint: string;
  status: 'known' | 'pinned' | 'accepted_new';
}

type Decision = { ok: true; info: HostKeyInfo } | { ok: false; error: TransportError };

const SERVER_HOST_KEY_ALGOS: Record<string, ServerHostKeyAlgorithm[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/**
 * Like ssh(1), prefer the host key algorithms already known for this host, so a host known by its RSA
 * key is not reported as mismatched just because it also offers ed25519.
 */
export function preferredHostKeyAlgorithms(entries: readonly KnownHostEntry[]): ServerHostKeyAlgorithm[] {
  const algos = entries
    .filter((e) => e.marker !== 'revoked')
    .flatMap((e) => SERVER_HOST_KEY_ALGOS[e.keyType] ?? []);
  return [...new Set(algos)];
}

function mismatch(target: string, expected: string[], offered: string, keyType: string): TransportError {
  return new TransportError(
    'host_key_mismatch',
    `HOST KEY MISMATCH for ${target}: expected ${expected.join(' or ')}, host offered ${offered} (${keyType}). ` +
      'Nothing was run. If the host was legitimately re-keyed, update the known_hosts entry or the pinned fingerprint.',
    { expected: expected.join(','), offered, key_type: keyType },
  );
}

/** Pure decision over an offered key; `entries` are those of the known_hosts file for this host. */
export function decideHostKey(
  policy: HostKeyPolicy,
  entries: readonly KnownHostEntry[],
  offered: Buffer,
  target: string,
): Decision {
  const fingerprint = sha256Fingerprint(offered);
  const keyType = keyTypeOf(offered);
  if (policy.fingerprint !== undefined) {
    const pinned = normaliseFingerprint(policy.fingerprint);
    if (pinned === undefined) {
      return {
        ok: false,
        error: new TransportError(
          'host_key_mismatch',
          `invalid pinned fingerprint for ${target}: expected SHA256:<base64>`,
        ),
      };
    }
    if (pinned === fingerprint) return { ok: true, info: { keyType, fingerprint, status: 'pinned' } };
    return { ok: false, error: mismatch(target, [pinned], fingerprint, keyType) };
  }
  if (entries.some((e) => e.marker === 'revoked' && e.key.equals(offered))) {
    return {
      ok: false,
      error: new TransportError(
        'host_key_mismatch',
        `host key ${fingerprint} of ${target} is marked @revoked`,
        { offered: fingerprint },
      ),
    };
  }
  const known = entries.filter((e) => e.marker === undefined);
  if (known.some((e) => e.key.equals(offered)))
    return { ok: true, info: { keyType, fingerprint, status: 'known' } };
  if (known.length > 0) {
    return {
      ok: false,
      error: mismatch(
        target,
        known.map((e) => sha256Fingerprint(e.key)),
        fingerprint,
        keyType,
      ),
    };
  }
  if (policy.acceptNew) return { ok: true, info: { keyType, fingerprint, status: 'accepted_new' } };
  const where = policy.knownHostsFile ? ` in ${policy.knownHostsFile}` : '';
  return {
    ok: false,
    error: new TransportError(
      'host_key_unknown',
      `host key of ${target} is unknown${where}: it offered ${fingerprint} (${keyType}). ` +
        'Verify it out of band, then pin it (--host-key-fingerprint) or accept it once (--accept-new-host-key).',
      { offered: fingerprint, key_type: keyType },
    ),
  };
}

/** Loads the policy's known_hosts entries for one host (once per connection). */
export async function loadHostEntries(
  policy: HostKeyPolicy,
  host: string,
  port: number,
): Promise<KnownHostEntry[]> {
  if (policy.fingerprint !== undefined || policy.knownHostsFile === undefined) return [];
  return entriesFor(await readKnownHosts(policy.knownHostsFile), host, port);
}

/** Records a newly accepted key in the policy's known_hosts file, if it has one. */
export async function recordNewHostKey(
  policy: HostKeyPolicy,
  host: string,
  port: number,
  key: Buffer,
): Promise<void> {
  if (policy.knownHostsFile === undefined || policy.fingerprint !== undefined) return;
  await appendKnownHost(policy.knownHostsFile, host, port, keyTypeOf(key), key);
}

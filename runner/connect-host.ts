import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import type { Keyring } from '../core/crypto/envelope.ts';
import { hostById, type HostRow } from '../core/db/sql/hosts.ts';
import type { Db } from '../core/db/types.ts';
import { loadCredentialForHost } from '../core/fleet/credentials.ts';
import type { HostKeyInfo, HostKeyPolicy } from '../engine/transport/host-key.ts';
import { LocalTransport } from '../engine/index.ts';
import { connectSsh } from '../engine/transport/ssh.ts';
import { SudoTransport } from '../engine/transport/sudo.ts';
import { TransportError, type Transport } from '../engine/transport/types.ts';
import { runScript } from '../engine/collect/run.ts';
import type { Section } from '../engine/facts/framing.ts';
import { PermanentJobError } from './job-loop.ts';

/** Where the runner's host-key trust lives (the hosts' pinned keys in PostgreSQL). */
export interface HostKeyStore {
  /** The policy for connecting: the pinned fingerprint, or trust-on-first-use when allowed and none is pinned. */
  policyFor(hostId: string): Promise<HostKeyPolicy>;
  /** After a successful verification: pins a key accepted on first use. */
  verified(hostId: string, info: HostKeyInfo): Promise<void>;
  /** A mismatch: records the offered key for approval and audits it. Nothing ran on the host. */
  mismatched(hostId: string, offered: string, details: Record<string, string>): Promise<void>;
}

export interface ConnectDeps {
  db: Db;
  keyring: () => Promise<Keyring>;
  hostKeys: HostKeyStore;
  connectTimeoutMs: number;
  /** Whether hosts with transport `local` (this machine) may be scanned; runner.allow_local_transport. */
  allowLocalTransport: boolean;
}

/** A job failure that is not a transport error (no host, no credential); `permanent` ends the job. */
export class HostJobFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

export interface OpenedHost {
  host: HostRow;
  /** The plain connection, as the credential's user (or this process's user for the local host). */
  plain: Transport;
  /** What collection runs on: through sudo when the host says so and the user is not root. */
  transport: Transport;
  close: () => Promise<void>;
}

/**
 * Connects to a live host with its decrypted credential and its host-key trust policy: a key accepted on
 * first use is pinned before anything runs; a mismatch is recorded for approval and nothing runs.
 */
export async function connectHost(
  deps: ConnectDeps,
  hostId: string,
  signal: AbortSignal,
): Promise<OpenedHost> {
  const host = await hostById(deps.db, hostId);
  if (!host) throw new HostJobFailure('host_not_found', 'the host no longer exists', true);
  if (host.transport === 'local') return openLocal(deps, host);
  const cred = await loadCredentialForHost(deps.db, await deps.keyring(), hostId);
  if (!cred)
    throw new HostJobFailure(
      'no_credential',
      'the host has no credential and there is no system default',
      true,
    );
  const policy = await deps.hostKeys.policyFor(hostId);
  const ssh = await connectSsh({
    host: host.address,
    port: host.port,
    username: cred.username,
    ...(cred.privateKey !== undefined ? { privateKey: Buffer.from(cred.privateKey.reveal()) } : {}),
    ...(cred.passphrase !== undefined ? { passphrase: cred.passphrase.reveal() } : {}),
    ...(cred.password !== undefined ? { password: cred.password.reveal() } : {}),
    hostKey: policy,
    connectTimeoutMs: deps.connectTimeoutMs,
    signal,
  }).catch(async (err: unknown) => {
    if (
      err instanceof TransportError &&
      (err.code === 'host_key_mismatch' || err.code === 'host_key_unknown')
    ) {
      await deps.hostKeys.mismatched(hostId, err.details.offered ?? '', err.details);
    }
    throw err;
  });
  try {
    await deps.hostKeys.verified(hostId, ssh.hostKey);
  } catch (err) {
    await ssh.close();
    throw err;
  }
  const sudo = host.use_sudo && cred.username !== 'root';
  const transport = sudo
    ? new SudoTransport(ssh, cred.sudoPassword !== undefined ? { password: cred.sudoPassword.reveal() } : {})
    : ssh;
  return { host, plain: ssh, transport, close: () => ssh.close() };
}

/**
 * The environment local scan commands get: what a login shell would start with, never the server's own,
 * which can hold secrets (a DSN, key paths) that evidence must not pick up.
 */
function localScanEnv(): NodeJS.ProcessEnv {
  const me = userInfo();
  return {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: me.homedir,
    USER: me.username,
    LOGNAME: me.username,
    SHELL: '/bin/sh',
    LANG: 'C',
  };
}

/** This machine, without SSH or a credential, as the runner's own user: only where the config allows it. */
function openLocal(deps: ConnectDeps, host: HostRow): OpenedHost {
  if (!deps.allowLocalTransport)
    throw new HostJobFailure(
      'local_transport_disabled',
      'this host is the machine a development server runs on; this runner does not scan it because ' +
        "runner.allow_local_transport is off (set it to true in the runner's config, or delete the host)",
      true,
    );
  const local = new LocalTransport({ env: localScanEnv() });
  return { host, plain: local, transport: local, close: () => local.close() };
}

/**
 * The SSH part of a host job (discovery, intelligence): connect (host key verified, credential decrypted),
 * run one framed script — through sudo unless `plain` — and close. A failure that retrying cannot fix (a
 * TransportError whose code is in `permanent`, or a permanent HostJobFailure) becomes a PermanentJobError;
 * the rest are rethrown for the queue's backoff. `onFailure` sees every failure first (for the log).
 */
export async function runHostScript(
  deps: ConnectDeps & { timeoutMs: number },
  hostId: string,
  signal: AbortSignal,
  o: {
    script: (nonce: string) => string;
    plain: boolean;
    permanent: ReadonlySet<string>;
    onFailure: (message: string, permanent: boolean) => void;
  },
): Promise<Section[]> {
  let opened: OpenedHost | undefined;
  try {
    opened = await connectHost(deps, hostId, signal);
    const nonce = randomBytes(12).toString('hex');
    const counters = { roundTrips: 0, bytesSent: 0, bytesReceived: 0 };
    const transport = o.plain ? opened.plain : opened.transport;
    const { sections } = await runScript(transport, o.script(nonce), nonce, counters, {
      timeoutMs: deps.timeoutMs,
      signal,
    });
    return sections;
  } catch (err) {
    const permanent =
      (err instanceof HostJobFailure && err.permanent) ||
      (err instanceof TransportError && o.permanent.has(err.code));
    const message = err instanceof Error ? err.message : String(err);
    o.onFailure(message, permanent);
    throw permanent ? new PermanentJobError(message) : err;
  } finally {
    await opened?.close().catch(() => undefined);
  }
}

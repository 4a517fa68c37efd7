import { z } from 'zod';
import type { Keyring } from '../core/crypto/envelope.ts';
import { hostById } from '../core/db/sql/hosts.ts';
import * as scans from '../core/db/sql/scans.ts';
import type { Db } from '../core/db/types.ts';
import { loadCredentialForHost } from '../core/fleet/credentials.ts';
import type { Logger } from '../core/log.ts';
import { applyScanResults } from '../core/results/apply.ts';
import { scanHost, selectRules, type Rule, type TraversalMode } from '../engine/index.ts';
import type { HostKeyInfo, HostKeyPolicy } from '../engine/transport/host-key.ts';
import { connectSsh } from '../engine/transport/ssh.ts';
import { SudoTransport } from '../engine/transport/sudo.ts';
import { TransportError, type Transport } from '../engine/transport/types.ts';
import { PermanentJobError, type JobHandler } from './job-loop.ts';

const payloadSchema = z.object({ scan_id: z.uuid(), host_id: z.uuid() }).strict();

/** Transport failures that retrying will not fix; the rest (unreachable, timeout …) are retried. */
const PERMANENT: ReadonlySet<string> = new Set([
  'host_key_mismatch',
  'host_key_unknown',
  'auth_failed',
  'sudo_refused',
]);

/** Where the runner's host-key trust lives (the hosts' pinned keys in PostgreSQL). */
export interface HostKeyStore {
  /** The policy for connecting: the pinned fingerprint, or trust-on-first-use when allowed and none is pinned. */
  policyFor(hostId: string): Promise<HostKeyPolicy>;
  /** After a successful verification: pins a key accepted on first use. */
  verified(hostId: string, info: HostKeyInfo): Promise<void>;
  /** A mismatch: records the offered key for approval and audits it. Nothing ran on the host. */
  mismatched(hostId: string, offered: string, details: Record<string, string>): Promise<void>;
}

export interface ScanJobDeps {
  db: Db;
  keyring: () => Promise<Keyring>;
  rules: () => Promise<readonly Rule[]>;
  hostKeys: HostKeyStore;
  log: Logger;
  connectTimeoutMs: number;
  scanTimeoutMs: number;
  /** The shared filesystem walk: inline (default), separate, or skip (its rules become not_assessable). */
  traversal: TraversalMode;
}

class ScanFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

async function connect(
  deps: ScanJobDeps,
  hostId: string,
  signal: AbortSignal,
): Promise<{ transport: Transport; close: () => Promise<void> }> {
  const host = await hostById(deps.db, hostId);
  if (!host) throw new ScanFailure('host_not_found', 'the host no longer exists', true);
  const cred = await loadCredentialForHost(deps.db, await deps.keyring(), hostId);
  if (!cred)
    throw new ScanFailure('no_credential', 'the host has no credential and there is no system default', true);
  const policy = await deps.hostKeys.policyFor(hostId);
  const ssh = await connectSsh({
    host: host.address,
    port: host.port,
    username: cred.username,
    ...(cred.privateKey !== undefined ? { privateKey: Buffer.from(cred.privateKey) } : {}),
    ...(cred.passphrase !== undefined ? { passphrase: cred.passphrase } : {}),
    ...(cred.password !== undefined ? { password: cred.password } : {}),
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
    ? new SudoTransport(ssh, cred.sudoPassword !== undefined ? { password: cred.sudoPassword } : {})
    : ssh;
  return { transport, close: () => ssh.close() };
}

/**
 * Runs one scan job: connect with the host's credential and pinned key, collect and evaluate, write the
 * results in one transaction. A host-key mismatch stops before any command runs.
 */
export function scanJobHandler(deps: ScanJobDeps): JobHandler {
  return async (job, signal) => {
    const parsed = payloadSchema.safeParse(job.payload);
    if (!parsed.success) throw new PermanentJobError('malformed scan job payload');
    const { scan_id: scanId, host_id: hostId } = parsed.data;
    const scan = await scans.getScan(deps.db, scanId);
    if (!scan || scan.host_id !== hostId)
      throw new PermanentJobError('the scan does not exist for this host');
    if (!(await scans.markScanRunning(deps.db, scanId))) return;
    const log = deps.log.child({ scan_id: scanId, host_id: hostId });
    let opened: { transport: Transport; close: () => Promise<void> } | undefined;
    try {
      opened = await connect(deps, hostId, signal);
      const all = await deps.rules();
      const rules = scan.rule_ids ? selectRules([...all], { ids: scan.rule_ids }) : [...all];
      const report = await scanHost({
        transport: opened.transport,
        rules,
        traversal: deps.traversal,
        timeoutMs: deps.scanTimeoutMs,
        signal,
      });
      const outcome = await applyScanResults(deps.db, { scanId, hostId, report, completedAt: new Date() });
      log.info('scan completed', { rules: outcome.results, transactions: outcome.transactions });
    } catch (err) {
      const failure =
        err instanceof ScanFailure
          ? err
          : err instanceof TransportError
            ? new ScanFailure(err.code, err.message, PERMANENT.has(err.code))
            : new ScanFailure('runtime_error', err instanceof Error ? err.message : String(err), false);
      const last = failure.permanent || job.attempts >= job.maxAttempts || signal.aborted;
      if (last) await scans.markScanFailed(deps.db, scanId, failure.code, failure.message);
      log.warn('scan failed', { code: failure.code, error: failure.message, final: last });
      throw failure.permanent ? new PermanentJobError(failure.message) : failure;
    } finally {
      await opened?.close().catch(() => undefined);
    }
  };
}

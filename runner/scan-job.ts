import { z } from 'zod';
import type { Keyring } from '../core/crypto/envelope.ts';
import * as scans from '../core/db/sql/scans.ts';
import type { Db } from '../core/db/types.ts';
import { DatabaseUnavailable } from '../core/db/unavailable.ts';
import type { Logger } from '../core/log.ts';
import { applyScanResults } from '../core/results/apply.ts';
import { failScan, startScan } from '../core/scans/lifecycle.ts';
import { rulesForScan } from '../core/profiles/scan-rules.ts';
import { ProbeError, scanHost, type Rule, type TraversalMode } from '../engine/index.ts';
import { TransportError, type Transport } from '../engine/transport/types.ts';
import { connectHost, HostJobFailure, type HostKeyStore } from './connect-host.ts';
import { whenDatabaseBack } from './db-wait.ts';
import { observeLiveness } from './observe-liveness.ts';
import { PermanentJobError, type JobHandler } from './job-loop.ts';
import type { Metrics } from '../core/node/metrics/registry.ts';

export type { HostKeyStore } from './connect-host.ts';

const payloadSchema = z
  .object({
    scan_id: z.uuid(),
    host_id: z.uuid(),
    traversal: z.enum(['inline', 'separate', 'skip']).optional(),
  })
  .strict();

/** Transport failures that retrying will not fix; the rest (unreachable, timeout …) are retried. */
const PERMANENT: ReadonlySet<string> = new Set([
  'host_key_mismatch',
  'host_key_unknown',
  'auth_failed',
  'sudo_refused',
]);

export interface ScanJobDeps {
  db: Db;
  keyring: () => Promise<Keyring>;
  rules: () => Promise<readonly Rule[]>;
  hostKeys: HostKeyStore;
  log: Logger;
  connectTimeoutMs: number;
  allowLocalTransport: boolean;
  scanTimeoutMs: number;
  /** The shared filesystem walk: inline (default), separate, or skip (its rules become not_assessable). */
  traversal: TraversalMode;
  metrics?: Pick<Metrics, 'scanFinished' | 'sshFailure'>;
}

/**
 * Runs one scan job: connect with the host's credential and pinned key, collect and evaluate, write the
 * results in one transaction. A host-key mismatch stops before any command runs.
 */
export function scanJobHandler(deps: ScanJobDeps): JobHandler {
  return async (job, signal) => {
    const parsed = payloadSchema.safeParse(job.payload);
    if (!parsed.success) throw new PermanentJobError('malformed scan job payload');
    const { scan_id: scanId, host_id: hostId, traversal } = parsed.data;
    const scan = await scans.getScan(deps.db, scanId);
    if (!scan || scan.host_id !== hostId)
      throw new PermanentJobError('the scan does not exist for this host');
    if (!(await startScan(deps.db, scanId, hostId, job.attempts))) return;
    const log = deps.log.child({ scan_id: scanId, host_id: hostId });
    const started = performance.now();
    const elapsed = () => (performance.now() - started) / 1000;
    let opened: { transport: Transport; close: () => Promise<void> } | undefined;
    try {
      opened = await connectHost(deps, hostId, signal);
      // The scan's own selection, else the host's effective profile (docs/profiles.md).
      const { rules, vars } = await rulesForScan(deps.db, scan, await deps.rules());
      const report = await scanHost({
        transport: opened.transport,
        rules,
        vars,
        traversal: traversal ?? deps.traversal,
        timeoutMs: deps.scanTimeoutMs,
        signal,
      });
      const completedAt = new Date();
      const outcome = await whenDatabaseBack(
        'scan results',
        () => applyScanResults(deps.db, { scanId, hostId, report, completedAt }),
        signal,
        log,
      );
      log.info('scan completed', { rules: outcome.results, transactions: outcome.transactions });
      deps.metrics?.scanFinished('completed', elapsed());
    } catch (err) {
      // Not the host's fault, and the scan row cannot be written now: the job outcome is recorded when
      // the database is back (or the job is reclaimed), and the scan runs again.
      if (err instanceof DatabaseUnavailable) throw err;
      const failure =
        err instanceof HostJobFailure
          ? err
          : err instanceof TransportError
            ? new HostJobFailure(err.code, err.message, PERMANENT.has(err.code))
            : err instanceof ProbeError
              ? new HostJobFailure(err.code, err.message, false)
              : new HostJobFailure('runtime_error', err instanceof Error ? err.message : String(err), false);
      const last = failure.permanent || job.attempts >= job.maxAttempts || signal.aborted;
      if (failure.code !== 'runtime_error') deps.metrics?.sshFailure(failure.code);
      await failScan(deps.db, scanId, hostId, failure.code, failure.message, last);
      if (last) deps.metrics?.scanFinished('failed', elapsed());
      // A scan that could not reach the host is also a liveness observation: the band shows it as down.
      if (failure.code === 'unreachable') await observeLiveness(deps.db, hostId, 'down', failure.message);
      log.warn('scan failed', { code: failure.code, error: failure.message, final: last });
      throw failure.permanent ? new PermanentJobError(failure.message) : failure;
    } finally {
      await opened?.close().catch(() => undefined);
    }
  };
}

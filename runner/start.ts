import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db } from '../core/db/types.ts';
import type { IdentityRuntime } from '../core/identity/runtime.ts';
import type { Logger } from '../core/log.ts';
import { DISCOVERY_JOB, LIVENESS_JOB, SCAN_JOB } from '../core/scans/request.ts';
import { loadRules, type Rule, type TraversalMode } from '../engine/index.ts';
import { EVALUATE_ALERTS_JOB, NOTIFY_JOB } from '../core/alerts/jobs.ts';
import { INTEL_JOB } from '../core/intel/jobs.ts';
import { alertsJobHandler } from './alerts-job.ts';
import { intelJobHandler } from './intel-job.ts';
import { discoveryJobHandler } from './discovery-job.ts';
import { watchEvents } from './event-watch.ts';
import { dbHostKeyStore } from './host-keys.ts';
import { startJobLoop, type JobLoop } from './job-loop.ts';
import { livenessJobHandler } from './liveness-job.ts';
import { notifyJobHandler } from './notify/job.ts';
import type { DeliveryPolicy } from './notify/address-guard.ts';
import { scanJobHandler } from './scan-job.ts';
import { loadBundledRules } from '../core/node/bundled-rules.ts';
import type { Metrics } from '../core/node/metrics/registry.ts';

const SECOND = 1000;

export interface RunnerOptions {
  db: Db;
  dsn: string;
  /** The credential keyring (to decrypt SSH credentials) and the job-signing key. */
  keys: Pick<IdentityRuntime, 'keyring' | 'jobKey'>;
  log: Logger;
  concurrency: number;
  pollIntervalMs: number;
  /** The filesystem-wide walk per scan (default inline). */
  traversal?: TraversalMode;
  /** Job lease; a runner silent for this long loses its jobs to others. */
  leaseSeconds?: number;
  rulesDirs?: string[];
  /** Scan the `local` host (this machine) without SSH; off unless the config or development mode says so. */
  allowLocalTransport?: boolean;
  metrics?: Pick<Metrics, 'scanFinished' | 'sshFailure' | 'jobRetried'>;
  /** Where notification channels may connect (docs/alerts.md); default public addresses, system CAs. */
  notify?: DeliveryPolicy;
}

/** A runner id that names the machine and process, for `jobs.locked_by` and the logs. */
export function runnerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/**
 * Starts the job loop with the scan handler. The rule corpus is loaded once, on the first scan, and
 * kept for the life of the process.
 */
export async function startRunner(o: RunnerOptions): Promise<JobLoop> {
  let rules: Promise<readonly Rule[]> | undefined;
  const loadCorpus = async (): Promise<readonly Rule[]> => {
    const { rules: loaded, errors } = o.rulesDirs ? await loadRules(o.rulesDirs) : await loadBundledRules();
    if (errors.length > 0)
      throw new Error(`the rule corpus has ${errors.length} errors; run openwatch scan --local to see them`);
    return loaded;
  };
  const log = o.log.child({ component: 'runner' });
  const allowLocalTransport = o.allowLocalTransport ?? false;
  const jobKey = await o.keys.jobKey();
  const loop = await startJobLoop({
    db: o.db,
    dsn: o.dsn,
    workerId: runnerId(),
    concurrency: o.concurrency,
    pollIntervalMs: o.pollIntervalMs,
    ...(o.leaseSeconds !== undefined ? { leaseSeconds: o.leaseSeconds } : {}),
    jobKey,
    log,
    ...(o.metrics ? { onRetry: o.metrics.jobRetried } : {}),
    handlers: {
      [SCAN_JOB]: scanJobHandler({
        db: o.db,
        keyring: () => o.keys.keyring(),
        rules: () => (rules ??= loadCorpus()),
        hostKeys: dbHostKeyStore(o.db, log),
        log,
        connectTimeoutMs: 15 * SECOND,
        allowLocalTransport,
        scanTimeoutMs: 300 * SECOND,
        traversal: o.traversal ?? 'inline',
        ...(o.metrics ? { metrics: o.metrics } : {}),
      }),
      [DISCOVERY_JOB]: discoveryJobHandler({
        db: o.db,
        keyring: () => o.keys.keyring(),
        hostKeys: dbHostKeyStore(o.db, log),
        log,
        connectTimeoutMs: 15 * SECOND,
        allowLocalTransport,
        timeoutMs: 60 * SECOND,
      }),
      [LIVENESS_JOB]: livenessJobHandler({
        db: o.db,
        keyring: () => o.keys.keyring(),
        hostKeys: dbHostKeyStore(o.db, log),
        log,
        connectTimeoutMs: 10 * SECOND,
        allowLocalTransport,
        bannerTimeoutMs: 5 * SECOND,
      }),
      [EVALUATE_ALERTS_JOB]: alertsJobHandler({ db: o.db, jobKey, log }),
      [INTEL_JOB]: intelJobHandler({
        db: o.db,
        keyring: () => o.keys.keyring(),
        hostKeys: dbHostKeyStore(o.db, log),
        log,
        connectTimeoutMs: 15 * SECOND,
        allowLocalTransport,
        timeoutMs: 120 * SECOND,
      }),
      [NOTIFY_JOB]: notifyJobHandler({
        db: o.db,
        keyring: () => o.keys.keyring(),
        log,
        policy: o.notify ?? { allowPrivateNetworks: false, ca: [] },
      }),
    },
  });
  const events = await watchEvents({ db: o.db, dsn: o.dsn, jobKey, log });
  return {
    running: () => loop.running(),
    async stop(deadlineMs) {
      await events.stop();
      await loop.stop(deadlineMs);
    },
  };
}

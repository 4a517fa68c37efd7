import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type pg from 'pg';
import * as sql from '../../db/sql/metrics.ts';
import type { Queryable } from '../../db/types.ts';
import { DISCOVERY_JOB, LIVENESS_JOB, SCAN_JOB } from '../../scans/request.ts';

/** Request latency buckets (seconds): the API's p99 target is 25 ms, scans' reports take up to seconds. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Scan durations: a full corpus takes ~1 s, a slow host up to the 300 s scan timeout. */
const SCAN_BUCKETS = [0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];
const JOB_KINDS = [SCAN_JOB, DISCOVERY_JOB, LIVENESS_JOB];
const LIVENESS_BANDS = ['unknown', 'online', 'degraded', 'critical', 'down'];
const POOL_STATES = ['in_use', 'idle', 'waiting'] as const;

/** One process's metrics: what it counts itself plus gauges read from the database at scrape time. */
export interface Metrics {
  registry: Registry;
  httpRequest(method: string, route: string, status: number, seconds: number): void;
  scanFinished(outcome: 'completed' | 'failed', seconds: number): void;
  sshFailure(kind: string): void;
  jobRetried(kind: string): void;
  /** Reads the database-derived gauges, then renders the exposition text. */
  render(): Promise<string>;
}

export interface MetricsSources {
  db: Queryable;
  /** The process's pool, for in-use / idle / waiting connections. */
  pool?: pg.Pool;
  /** Seconds since the epoch when the serving certificate expires (serve only). */
  certificateExpiry?: () => number | undefined;
  version: string;
}

function dbGauges(registry: Registry) {
  const g = (name: string, help: string, labelNames: string[] = []) =>
    new Gauge({ name, help, labelNames, registers: [registry] });
  const c = (name: string, help: string) => new Counter({ name, help, registers: [registry] });
  return {
    up: g('openwatch_db_up', '1 when the database answered the last scrape, else 0'),
    queued: g('openwatch_jobs_queued', 'Jobs waiting in the queue', ['kind']),
    running: g('openwatch_jobs_running', 'Jobs claimed by a runner and running', ['kind']),
    oldest: g('openwatch_jobs_oldest_queued_age_seconds', 'How long the oldest due queued job has waited', [
      'kind',
    ]),
    scans: g('openwatch_scans', 'Scans queued or running', ['status']),
    hosts: g('openwatch_hosts', 'Registered hosts by liveness band', ['liveness']),
    loginFailures: c('openwatch_login_failures_total', 'Failed sign-ins recorded in the audit log'),
    lockouts: c('openwatch_login_lockouts_total', 'Lockouts recorded in the audit log'),
    locked: g('openwatch_accounts_locked', 'Usernames locked out now'),
  };
}

async function readDatabase(db: Queryable, g: ReturnType<typeof dbGauges>): Promise<void> {
  const [queue, scans, hosts, login] = await Promise.all([
    sql.queueByKind(db),
    sql.activeScansByStatus(db),
    sql.hostsByLiveness(db),
    sql.loginCounters(db),
  ]);
  // Known labels are always present (at 0), so alert expressions never see an absent series.
  for (const kind of new Set([...JOB_KINDS, ...queue.map((r) => r.kind)])) {
    const row = queue.find((r) => r.kind === kind);
    g.queued.set({ kind }, row?.depth ?? 0);
    g.running.set({ kind }, row?.running ?? 0);
    g.oldest.set({ kind }, row?.oldest_age_seconds ?? 0);
  }
  for (const status of ['queued', 'running'])
    g.scans.set({ status }, scans.find((r) => r.status === status)?.n ?? 0);
  for (const liveness of LIVENESS_BANDS)
    g.hosts.set({ liveness }, hosts.find((r) => r.liveness === liveness)?.n ?? 0);
  g.loginFailures.reset();
  g.loginFailures.inc(login.failures);
  g.lockouts.reset();
  g.lockouts.inc(login.lockouts);
  g.locked.set(login.locked);
}

/** Builds a process's registry: default process metrics, HTTP, scans, queue, fleet, pool, TLS. */
export function createMetrics(src: MetricsSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'openwatch_build_info',
    help: 'Always 1; the version label names the running build',
    labelNames: ['version'],
    registers: [registry],
  }).set({ version: src.version }, 1);
  const requests = new Counter({
    name: 'openwatch_http_requests_total',
    help: 'HTTP requests answered, by route template and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'openwatch_http_request_errors_total',
    help: 'HTTP requests answered with a 5xx status',
    labelNames: ['method', 'route'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'openwatch_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route template',
    labelNames: ['method', 'route'],
    buckets: HTTP_BUCKETS,
    registers: [registry],
  });
  const scansDone = new Counter({
    name: 'openwatch_scans_finished_total',
    help: 'Scans this process finished, by outcome (failed counts only final failures)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const scanDuration = new Histogram({
    name: 'openwatch_scan_duration_seconds',
    help: 'Wall time of a scan job, connection included',
    labelNames: ['outcome'],
    buckets: SCAN_BUCKETS,
    registers: [registry],
  });
  const ssh = new Counter({
    name: 'openwatch_ssh_failures_total',
    help: 'SSH connection and command failures, by kind',
    labelNames: ['kind'],
    registers: [registry],
  });
  const retries = new Counter({
    name: 'openwatch_job_retries_total',
    help: 'Failed job attempts that were queued again',
    labelNames: ['kind'],
    registers: [registry],
  });
  for (const outcome of ['completed', 'failed']) scansDone.inc({ outcome }, 0);
  const pool = new Gauge({
    name: 'openwatch_db_pool_connections',
    help: 'Connections of this process pool, by state',
    labelNames: ['state'],
    registers: [registry],
  });
  const cert = new Gauge({
    name: 'openwatch_tls_certificate_expiry_timestamp_seconds',
    help: 'When the serving certificate expires (seconds since the epoch)',
    registers: [registry],
  });
  const db = dbGauges(registry);

  return {
    registry,
    httpRequest(method, route, status, seconds) {
      requests.inc({ method, route, status: String(status) });
      if (status >= 500) errors.inc({ method, route });
      latency.observe({ method, route }, seconds);
    },
    scanFinished(outcome, seconds) {
      scansDone.inc({ outcome });
      scanDuration.observe({ outcome }, seconds);
    },
    sshFailure: (kind) => ssh.inc({ kind }),
    jobRetried: (kind) => retries.inc({ kind }),
    async render() {
      try {
        await readDatabase(src.db, db);
        db.up.set(1);
      } catch {
        db.up.set(0);
      }
      if (src.pool) {
        const p = src.pool;
        const counts = { in_use: p.totalCount - p.idleCount, idle: p.idleCount, waiting: p.waitingCount };
        for (const state of POOL_STATES) pool.set({ state }, counts[state]);
      }
      const expiry = src.certificateExpiry?.();
      if (expiry !== undefined) cert.set(expiry);
      return registry.metrics();
    },
  };
}

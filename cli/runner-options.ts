import type { Config } from '../core/config/schema.ts';
import { stringOption, UsageError, type CommandContext, type OptionSpec } from './command.ts';
import {
  DEFAULT_LEASE_SECONDS,
  DEFAULT_POLL_INTERVAL_MS,
  MAX_POLL_INTERVAL_MS,
  SECOND,
} from '../runner/job-loop.ts';

export const DEFAULT_RUNNER_CONCURRENCY = 10;
/** How long a stopping runner lets running scans finish before aborting them. */
export const RUNNER_SHUTDOWN_DEADLINE_MS = 30 * SECOND;

export const runnerOptions: OptionSpec[] = [
  {
    name: 'concurrency',
    type: 'string',
    value: 'N',
    description: `Scans run at once (default ${DEFAULT_RUNNER_CONCURRENCY})`,
  },
  {
    name: 'poll-interval',
    type: 'string',
    value: 'SECONDS',
    description: `Queue polling when no NOTIFY arrives (default ${DEFAULT_POLL_INTERVAL_MS / SECOND}, at most ${MAX_POLL_INTERVAL_MS / SECOND})`,
  },
  {
    name: 'lease',
    type: 'string',
    value: 'SECONDS',
    description: `Job lease, renewed by heartbeat; a runner silent this long loses its jobs (default ${DEFAULT_LEASE_SECONDS})`,
  },
  {
    name: 'traversal',
    type: 'string',
    value: 'MODE',
    description:
      'Filesystem-wide walk per scan: inline (default), separate, or skip (its rules are then not assessable)',
  },
];

const TRAVERSALS = ['inline', 'separate', 'skip'] as const;

export interface RunnerSettings {
  concurrency: number;
  pollIntervalMs: number;
  leaseSeconds: number;
  traversal: (typeof TRAVERSALS)[number];
}

export function runnerSettings(ctx: CommandContext): RunnerSettings {
  const c = stringOption(ctx, 'concurrency');
  const concurrency = c === undefined ? DEFAULT_RUNNER_CONCURRENCY : Number(c);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1000) {
    throw new UsageError('--concurrency expects an integer from 1 to 1000');
  }
  const p = stringOption(ctx, 'poll-interval');
  const seconds = p === undefined ? DEFAULT_POLL_INTERVAL_MS / SECOND : Number(p);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds * SECOND > MAX_POLL_INTERVAL_MS) {
    throw new UsageError(
      `--poll-interval expects seconds greater than 0 and at most ${MAX_POLL_INTERVAL_MS / SECOND}`,
    );
  }
  const l = stringOption(ctx, 'lease');
  const leaseSeconds = l === undefined ? DEFAULT_LEASE_SECONDS : Number(l);
  if (!Number.isInteger(leaseSeconds) || leaseSeconds < 3 || leaseSeconds > 3600) {
    throw new UsageError('--lease expects whole seconds from 3 to 3600');
  }
  const traversal = stringOption(ctx, 'traversal') ?? 'inline';
  if (!(TRAVERSALS as readonly string[]).includes(traversal)) {
    throw new UsageError(`--traversal must be one of ${TRAVERSALS.join(', ')}`);
  }
  return {
    concurrency,
    pollIntervalMs: seconds * SECOND,
    leaseSeconds,
    traversal: traversal as RunnerSettings['traversal'],
  };
}

/** runner.allow_local_transport when set; otherwise on in development mode only. */
export function allowLocalTransport(config: Config, developmentMode: boolean): boolean {
  return config.runner.allow_local_transport ?? developmentMode;
}

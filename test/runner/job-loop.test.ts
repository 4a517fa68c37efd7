import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveJobKey, signJob, type JobKey } from '../../core/crypto/job-signing.ts';
import * as jobs from '../../core/db/sql/jobs.ts';
import { createLogger } from '../../core/log.ts';
import { PermanentJobError, startJobLoop, type ClaimedJob, type JobHandler } from '../../runner/job-loop.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { waitFor } from '../helpers/net.ts';

const log = createLogger({ level: 'error', format: 'json', write: () => undefined });

describe('job queue and loop', () => {
  let t: TestDatabase;
  let key: JobKey;

  beforeAll(async () => {
    t = await createTestDatabase();
    key = await deriveJobKey(randomBytes(32));
  });
  afterAll(async () => t.drop());

  const enqueue = async (payload: unknown, extra: Partial<jobs.NewJob> = {}) =>
    jobs.enqueueJob(t.db, {
      kind: 'echo',
      payload,
      signature: await signJob(key, 'echo', payload),
      ...extra,
    });

  const loop = (
    handler: JobHandler,
    workerId: string,
    extra: { concurrency?: number; leaseSeconds?: number } = {},
  ) =>
    startJobLoop({
      db: t.db,
      dsn: t.dsn,
      workerId,
      concurrency: extra.concurrency ?? 4,
      pollIntervalMs: 200,
      leaseSeconds: extra.leaseSeconds ?? 30,
      handlers: { echo: handler },
      jobKey: key,
      log,
    });

  it('allows one queued or running job per concurrency key', async () => {
    const a = await enqueue({ n: 1 }, { concurrencyKey: 'host:a' });
    expect(a).toBeDefined();
    expect(await enqueue({ n: 2 }, { concurrencyKey: 'host:a' })).toBeUndefined();
    expect(await jobs.cancelJob(t.db, a?.id ?? '')).toBe(true);
    expect(await enqueue({ n: 3 }, { concurrencyKey: 'host:a' })).toBeDefined();
    await t.db.query(`delete from jobs`);
  });

  it('two runners never claim the same job', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 60; i++) ids.add((await enqueue({ i }))?.id ?? '');
    const seen: Array<{ worker: string; id: string }> = [];
    const handler =
      (worker: string): JobHandler =>
      async (job) => {
        seen.push({ worker, id: job.id });
        await new Promise((r) => setTimeout(r, 5));
      };
    const [a, b] = await Promise.all([loop(handler('a'), 'runner-a'), loop(handler('b'), 'runner-b')]);
    await waitFor(
      async () => {
        const { rows } = await t.db.query<{ n: string }>(
          `select count(*) as n from jobs where state = 'succeeded'`,
        );
        return Number(rows[0]?.n) === 60 ? true : undefined;
      },
      20_000,
      'all jobs to finish',
    );
    await Promise.all([a.stop(1000), b.stop(1000)]);
    expect(seen).toHaveLength(60);
    expect(new Set(seen.map((s) => s.id))).toEqual(ids);
    expect(new Set(seen.map((s) => s.worker)).size).toBe(2);
    await t.db.query(`delete from jobs`);
  });

  it('rejects a tampered payload before running the handler', async () => {
    const job = await enqueue({ host: '10.0.0.1' });
    await t.db.query(`update jobs set payload = '{"host":"10.6.6.6"}' where id = $1`, [job?.id]);
    const ran: ClaimedJob[] = [];
    const l = await loop(async (j) => void ran.push(j), 'runner-t');
    const done = await waitFor(
      async () => {
        const row = await jobs.getJob(t.db, job?.id ?? '');
        return row?.state === 'failed' ? row : undefined;
      },
      10_000,
      'the job to fail',
    );
    await l.stop(1000);
    expect(ran).toEqual([]);
    expect(done.last_error).toBe('invalid job signature: payload rejected');
    expect(done.attempts).toBe(1);
  });

  it('retries transient failures with backoff and records permanent ones', async () => {
    const transient = await enqueue({ kind: 'transient' }, { maxAttempts: 3 });
    const permanent = await enqueue({ kind: 'permanent' });
    const l = await loop(async (job) => {
      const p = job.payload as { kind: string };
      throw p.kind === 'permanent'
        ? new PermanentJobError('host key mismatch')
        : new Error('connection reset');
    }, 'runner-f');
    await waitFor(
      async () => ((await jobs.getJob(t.db, permanent?.id ?? ''))?.state === 'failed' ? true : undefined),
      10_000,
      'permanent',
    );
    await waitFor(
      async () => ((await jobs.getJob(t.db, transient?.id ?? ''))?.attempts === 1 ? true : undefined),
      10_000,
      'first try',
    );
    await l.stop(1000);
    const p = await jobs.getJob(t.db, permanent?.id ?? '');
    expect(p).toMatchObject({ state: 'failed', attempts: 1, last_error: 'host key mismatch' });
    const tr = await jobs.getJob(t.db, transient?.id ?? '');
    expect(tr).toMatchObject({ state: 'queued', attempts: 1, last_error: 'connection reset' });
    // Backoff: the retry is scheduled about 5 s later, not immediately.
    expect((tr?.run_at.getTime() ?? 0) - Date.now()).toBeGreaterThan(2000);
    await t.db.query(`delete from jobs`);
  });

  it('reclaims the job of a runner that stopped heartbeating and lets another finish it', async () => {
    const job = await enqueue({ slow: true });
    // Runner "dead" claims it with a 1 s lease and then never heartbeats (as if SIGKILLed).
    const [claimed] = await jobs.claimJobs(t.db, 'runner-dead', 1, 1, ['echo']);
    expect(claimed?.id).toBe(job?.id);
    const finished: string[] = [];
    const l = await loop(async (j) => void finished.push(j.id), 'runner-alive');
    await waitFor(
      async () => ((await jobs.getJob(t.db, job?.id ?? ''))?.state === 'succeeded' ? true : undefined),
      10_000,
      'reclaim',
    );
    await l.stop(1000);
    expect(finished).toEqual([job?.id]);
    const row = await jobs.getJob(t.db, job?.id ?? '');
    expect(row?.attempts).toBe(2);
    // The dead runner can no longer complete what it lost.
    expect(await jobs.completeJob(t.db, 'runner-dead', job?.id ?? '')).toBe(false);
  });

  it('aborts a running job when it is cancelled', async () => {
    const job = await enqueue({ long: true });
    let aborted = false;
    const l = await loop(
      (_j, signal) =>
        new Promise<void>((_, reject) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            reject(new Error('aborted'));
          });
        }),
      'runner-c',
      { leaseSeconds: 1 },
    );
    await waitFor(
      async () => (l.running().includes(job?.id ?? '') ? true : undefined),
      5_000,
      'job to start',
    );
    expect(await jobs.cancelJob(t.db, job?.id ?? '')).toBe(true);
    await waitFor(async () => (aborted ? true : undefined), 5_000, 'abort');
    await l.stop(1000);
    expect((await jobs.getJob(t.db, job?.id ?? ''))?.state).toBe('cancelled');
  });
});

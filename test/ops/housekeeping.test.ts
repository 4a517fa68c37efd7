import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, CLI_ACTOR } from '../../core/audit/append.ts';
import { verifyAuditChain } from '../../core/audit/verify.ts';
import { housekeepingSchema } from '../../core/housekeeping/settings.ts';
import { createLogger } from '../../core/log.ts';
import { runScheduled } from '../../functions/scheduled.ts';
import { seedUser } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { testIdentityRuntime } from '../helpers/identity.ts';

const log = createLogger({ level: 'error', format: 'json', write: () => undefined });

describe('housekeeping: scheduled pruning with configurable retention', () => {
  let t: TestDatabase;
  let userId: string;
  let hostId: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    userId = await seedUser(t.db, 'keeper', ['admin']);
    const { rows } = await t.db.query<{ id: string }>(
      `insert into hosts (hostname, address) values ('hk-1', '192.0.2.10') returning id`,
    );
    hostId = rows[0]?.id ?? '';
  });
  afterAll(async () => t?.drop());

  const ids = async (sql: string) => (await t.db.query<{ id: string }>(sql)).rows.map((r) => r.id).sort();

  async function seed(): Promise<void> {
    // Old and recent rows of every pruned table, plus rows that are old but still live.
    await t.db.query(
      `insert into jobs (kind, payload, signature, state, created_at, finished_at, concurrency_key) values
         ('scan', '{"n":"old-done"}', 's', 'succeeded', now() - interval '40 days', now() - interval '40 days', null),
         ('scan', '{"n":"old-failed"}', 's', 'failed', now() - interval '40 days', now() - interval '31 days', null),
         ('scan', '{"n":"recent-done"}', 's', 'succeeded', now() - interval '2 days', now() - interval '2 days', null),
         ('scan', '{"n":"old-queued"}', 's', 'queued', now() - interval '40 days', null, 'k-old-queued')`,
    );
    await t.db.query(
      `insert into sessions (user_id, expires_at, revoked_at, created_at) values
         ($1, now() - interval '40 days', null, now() - interval '41 days'),
         ($1, now() + interval '1 day', now() - interval '35 days', now() - interval '36 days'),
         ($1, now() - interval '1 day', null, now() - interval '2 days'),
         ($1, now() + interval '1 hour', null, now())`,
      [userId],
    );
    await t.db.query(
      `insert into refresh_tokens (token_hash, session_id)
       select 'rt-' || id, id from sessions`,
    );
    await t.db.query(
      `insert into rate_limits (key, window_start, hits) values
         ('login:ip:old', now() - interval '2 days', 3), ('login:ip:now', now(), 1)`,
    );
    await t.db.query(
      `insert into login_lockouts (subject, failures, last_failure_at, locked_until) values
         ('quiet', 2, now() - interval '40 days', null),
         ('locked-long', 9, now() - interval '40 days', now() + interval '1 day'),
         ('recent', 1, now(), null)`,
    );
    await t.db.query(
      `insert into scans (host_id, requested_by, source, status, idempotency_key, created_at) values
         ($1, $2, 'api', 'completed', 'old-key', now() - interval '3 days'),
         ($1, $2, 'api', 'completed', 'new-key', now())`,
      [hostId, userId],
    );
    await audit(t.db, { code: 'user.created', actor: CLI_ACTOR, details: { note: 'before pruning' } });
  }

  it('prunes only rows past their retention, through the scheduled pass, and keeps the audit chain', async () => {
    await seed();
    const auditBefore = await ids(`select id::text as id from audit_events`);
    await runScheduled(log, 'test', Date.now(), {
      db: t.db,
      jobKey: () => testIdentityRuntime().jobKey(),
      housekeeping: housekeepingSchema.parse({}),
    });

    // The same pass also enqueued discovery and liveness jobs for hk-1 (payloads without "n").
    const jobs = await t.db.query<{ n: string }>(
      `select payload->>'n' as n from jobs where payload ? 'n' order by n`,
    );
    expect(jobs.rows.map((r) => r.n)).toEqual(['old-queued', 'recent-done']);
    const sessions = await t.db.query<{ live: boolean }>(
      `select expires_at > now() and revoked_at is null as live from sessions order by created_at`,
    );
    expect(sessions.rows.map((r) => r.live)).toEqual([false, true]);
    const tokens = await t.db.query<{ n: string }>(`select count(*)::text as n from refresh_tokens`);
    expect(tokens.rows[0]?.n).toBe('2');
    expect(await ids(`select key as id from rate_limits`)).toEqual(['login:ip:now']);
    expect(await ids(`select subject as id from login_lockouts`)).toEqual(['locked-long', 'recent']);
    expect(await ids(`select idempotency_key as id from scans where idempotency_key is not null`)).toEqual([
      'new-key',
    ]);
    expect(await ids(`select count(*)::text as id from scans`)).toEqual(['2']);
    // Audit retention is "keep": nothing removed, the chain verifies.
    expect(await ids(`select id::text as id from audit_events`)).toEqual(auditBefore);
    expect((await verifyAuditChain(t.db)).broken).toBeUndefined();
  });

  it('honours a configured retention', async () => {
    await t.db.query(
      `insert into jobs (kind, payload, signature, state, finished_at) values
         ('scan', '{"n":"three-days"}', 's', 'succeeded', now() - interval '3 days')`,
    );
    const { runHousekeeping } = await import('../../core/housekeeping/prune.ts');
    const kept = await runHousekeeping(t.db, log, housekeepingSchema.parse({ finished_jobs_days: 4 }));
    expect(kept.jobs).toBe(0);
    const pruned = await runHousekeeping(t.db, log, housekeepingSchema.parse({ finished_jobs_days: 2 }));
    expect(pruned.jobs).toBe(2); // three-days and recent-done (2 days + a few ms)
    expect(() => housekeepingSchema.parse({ audit: 'delete' })).toThrow();
    expect(() => housekeepingSchema.parse({ finished_jobs_days: 0 })).toThrow();
  });

  it("serves the discovery/liveness scheduler's job lookup from the (kind, created_at) index", async () => {
    await t.db.query(
      `insert into jobs (kind, payload, signature, state, finished_at, created_at)
       select (array['scan','discovery','liveness'])[1 + g % 3], '{}', 's', 'succeeded', now(),
              now() - make_interval(mins => g)
       from generate_series(1, 30000) g`,
    );
    await t.db.query('analyze jobs');
    const { rows } = await t.db.query<{ 'QUERY PLAN': string }>(
      `explain select distinct concurrency_key from jobs
       where kind = 'liveness' and created_at > now() - make_interval(mins => 5)`,
    );
    expect(rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('jobs_kind_created');
  });
});

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveJobKey } from '../../core/crypto/job-signing.ts';
import { sweepExceptionEvents } from '../../core/events/exception-sweep.ts';
import { INTEL_JOB } from '../../core/intel/jobs.ts';
import { scheduleIntel } from '../../core/intel/schedule.ts';
import { createLogger } from '../../core/log.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { seedHost } from '../results/fixtures.ts';

describe('periodic event sources: exception expiry sweep, scheduled inventory collection', () => {
  let t: TestDatabase;
  let host: string;
  const log = createLogger({ level: 'error', format: 'json', write: () => undefined });

  beforeAll(async () => {
    t = await createTestDatabase();
    host = await seedHost(t.db, 'periodic-1');
  });
  afterAll(async () => t.drop());

  it('announces an approved exception expiring within 72 h once, and its expiry once', async () => {
    const insert = async (state: string, expires: string | null) => {
      const { rows } = await t.db.query<{ id: string }>(
        `insert into rule_exceptions (host_id, rule_id, reason, state, expires_at, decided_at)
         values ($1, 'r1', 'why', $2, now() + $3::interval, case when $2 = 'requested' then null else now() end)
         returning id::text as id`,
        [host, state, expires],
      );
      return rows[0]?.id ?? '';
    };
    const soon = await insert('approved', '2 hours');
    await insert('approved', '5 days');
    await insert('requested', '1 hour');
    await insert('rejected', '1 hour');
    const gone = await insert('approved', '-1 minute');
    expect(await sweepExceptionEvents(t.db)).toBe(2);
    expect(await sweepExceptionEvents(t.db)).toBe(0);
    const ev = async () =>
      (
        await t.db.query<{ kind: string; id: string }>(
          `select kind, data->>'exception_id' as id from events where kind like 'exception.%' order by events.id`,
        )
      ).rows;
    expect(await ev()).toEqual([
      { kind: 'exception.expired', id: gone },
      { kind: 'exception.expiring', id: soon },
    ]);
    await t.db.query(`update rule_exceptions set expires_at = now() - interval '1 second' where id = $1`, [
      soon,
    ]);
    expect(await sweepExceptionEvents(t.db)).toBe(1);
    expect((await ev()).map((e) => e.kind)).toEqual([
      'exception.expired',
      'exception.expiring',
      'exception.expired',
    ]);
  });

  it('queues a collection for hosts whose inventory is missing or older than the discovery interval', async () => {
    const key = await deriveJobKey(randomBytes(32));
    const fresh = await seedHost(t.db, 'periodic-2');
    const paused = await seedHost(t.db, 'periodic-3');
    await t.db.query(`update hosts set maintenance = true where id = $1`, [paused]);
    await t.db.query(
      `insert into host_intel (host_id, section, content_hash, items, collected_at, changed_at)
       values ($1, 'system', 'x', '[]', now(), now())`,
      [fresh],
    );
    expect(await scheduleIntel(t.db, key, log)).toEqual([host]);
    // Already queued: not again.
    expect(await scheduleIntel(t.db, key, log)).toEqual([]);
    const jobs = await t.db.query<{ payload: unknown }>('select payload from jobs where kind = $1', [
      INTEL_JOB,
    ]);
    expect(jobs.rows).toEqual([{ payload: { host_id: host } }]);
  });
});

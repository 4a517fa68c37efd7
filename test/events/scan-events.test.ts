import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsAfter, lastEventId, type EventRow } from '../../core/db/sql/events.ts';
import { applyScanResults } from '../../core/results/apply.ts';
import { failScan, startScan } from '../../core/scans/lifecycle.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { newScan, result, seedHost } from '../results/fixtures.ts';
import type { RuleResult } from '../../engine/types.ts';

const T1 = new Date('2026-11-01T10:00:00Z');
const T2 = new Date('2026-11-02T10:00:00Z');
const T3 = new Date('2026-11-03T10:00:00Z');

/** Ten rules: r0 critical, r1 high, the rest medium; r9 fails, the others as given. */
function tenRules(overrides: Record<string, 'pass' | 'fail'> = {}): RuleResult[] {
  return Array.from({ length: 10 }, (_, i) => {
    const id = `r${i}`;
    const sev = i === 0 ? 'critical' : i === 1 ? 'high' : 'medium';
    return result(id, overrides[id] ?? (i === 9 ? 'fail' : 'pass'), 'x', sev);
  });
}

describe('events written with scan results (outbox in the results transaction)', () => {
  let t: TestDatabase;
  let host: string;
  let cursor = '0';
  const next = async (): Promise<EventRow[]> => {
    const rows = await eventsAfter(t.db, { after: cursor, limit: 100 });
    cursor = rows.at(-1)?.id ?? cursor;
    return rows;
  };
  const apply = (scan: string, results: RuleResult[], at: Date) =>
    applyScanResults(t.db, { scanId: scan, hostId: host, report: { results }, completedAt: at });

  beforeAll(async () => {
    t = await createTestDatabase();
    host = await seedHost(t.db, 'events-1');
  });
  afterAll(async () => t.drop());

  it('a first scan: completed and its band, no regression or drift', async () => {
    const scan = await newScan(t.db, host);
    await apply(scan, tenRules(), T1);
    const ev = await next();
    expect(ev.map((e) => e.kind)).toEqual(['scan.completed', 'score.band_changed']);
    expect(ev[0]).toMatchObject({
      host_id: host,
      link: `/scans/${scan}`,
      occurred_at: T1,
      data: { scan_id: scan, score: 0.9, counts: { total: 10, pass: 9, fail: 1 } },
    });
    expect(ev[1]?.data).toEqual({ scan_id: scan, from: null, to: 'compliant', score: 0.9 });
  });

  it('regressions, drift with per-severity counts and a band change; re-applying adds nothing', async () => {
    const scan = await newScan(t.db, host);
    await apply(scan, tenRules({ r0: 'fail', r1: 'fail' }), T2);
    const ev = await next();
    expect(ev.map((e) => [e.kind, e.rule_id, e.severity])).toEqual([
      ['scan.completed', null, null],
      ['rule.regressed', 'r0', 'critical'],
      ['rule.regressed', 'r1', 'high'],
      ['drift.detected', null, 'critical'],
      ['score.band_changed', null, null],
    ]);
    expect(ev[1]?.link).toBe(`/hosts/${host}/results?rule=r0`);
    expect(ev[3]?.data).toEqual({
      scan_id: scan,
      score_before: 0.9,
      score_after: 0.7,
      delta_points: -20,
      newly_failing: { critical: 1, high: 1, medium: 0, low: 0 },
    });
    expect(ev[4]?.data).toMatchObject({ from: 'compliant', to: 'fair' });
    const last = await lastEventId(t.db);
    expect((await apply(scan, tenRules({ r0: 'fail', r1: 'fail' }), T2)).applied).toBe(false);
    expect(await lastEventId(t.db)).toBe(last);
  });

  it('a recovery is its own event; an unchanged re-scan writes only scan.completed', async () => {
    const scan = await newScan(t.db, host);
    await apply(scan, tenRules({ r1: 'fail' }), T3);
    const ev = await next();
    expect(ev.map((e) => [e.kind, e.rule_id])).toEqual([
      ['scan.completed', null],
      ['rule.recovered', 'r0'],
      ['drift.detected', null],
      ['score.band_changed', null],
    ]);
    expect(ev[2]?.data).toMatchObject({ delta_points: 10, newly_failing: { critical: 0, high: 0 } });
    expect(ev[2]?.severity).toBeNull();
    const again = await newScan(t.db, host);
    await apply(again, tenRules({ r1: 'fail' }), new Date(T3.getTime() + 1000));
    expect((await next()).map((e) => e.kind)).toEqual(['scan.completed']);
  });

  it('scan started and failed are recorded with the state change, once', async () => {
    const { rows } = await t.db.query<{ id: string }>(
      `insert into scans (host_id, source) values ($1, 'api') returning id::text as id`,
      [host],
    );
    const scan = rows[0]?.id ?? '';
    expect(await startScan(t.db, scan, host, 1)).toBe(true);
    await failScan(t.db, scan, host, 'unreachable', 'connect ECONNREFUSED');
    await failScan(t.db, scan, host, 'unreachable', 'again: the scan already ended');
    expect(await startScan(t.db, scan, host, 2)).toBe(false);
    const ev = await next();
    expect(ev.map((e) => [e.kind, e.data])).toEqual([
      ['scan.started', { scan_id: scan, attempt: 1 }],
      ['scan.failed', { scan_id: scan, code: 'unreachable', message: 'connect ECONNREFUSED' }],
    ]);
  });

  it('a rolled-back change leaves no event; concurrent writers commit ids in order', async () => {
    const before = await lastEventId(t.db);
    const scan = await newScan(t.db, host);
    await expect(
      apply(scan, [...tenRules(), result('r0', 'pass', 'dup', 'critical')], new Date()),
    ).rejects.toThrow(/appears twice/);
    expect(await lastEventId(t.db)).toBe(before);
    // Twenty scans of twenty hosts applied at once: every id below the newest is visible when it is.
    const hosts = await Promise.all(Array.from({ length: 20 }, (_, i) => seedHost(t.db, `par-${i}`)));
    const seen: string[] = [];
    let after = await lastEventId(t.db);
    let writing = true;
    const reader = (async () => {
      while (writing || seen.length < 40) {
        const rows = await eventsAfter(t.db, { after, limit: 100 });
        for (const r of rows) seen.push(r.id);
        after = rows.at(-1)?.id ?? after;
        if (!writing && rows.length === 0) break;
      }
    })();
    await Promise.all(
      hosts.map(async (h) => {
        const s = await newScan(t.db, h);
        await applyScanResults(t.db, {
          scanId: s,
          hostId: h,
          report: { results: tenRules() },
          completedAt: T1,
        });
      }),
    );
    writing = false;
    await reader;
    // The reader only ever asked for ids after the last one it saw: a gap would be an event skipped.
    const all = (await eventsAfter(t.db, { after: before, limit: 1000 })).map((r) => r.id);
    expect(all).toHaveLength(40);
    expect(seen).toEqual(all);
  });
});

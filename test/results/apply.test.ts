import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyScanResults, evidenceHash } from '../../core/results/apply.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { bulkResults, newScan, result, seedHost, snapshotTables } from './fixtures.ts';

const T1 = new Date('2026-11-01T10:00:00Z');
const T2 = new Date('2026-11-02T10:00:00Z');
const T3 = new Date('2026-11-03T10:00:00Z');

describe('applyScanResults', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t.drop());

  it('hashes evidence by canonical JSON, whatever the key order', () => {
    const a = evidenceHash([{ source: 's', observed: 'o', expected: 'e' }]);
    const b = evidenceHash([{ expected: 'e', observed: 'o', source: 's' }]);
    expect(a.hash).toBe(b.hash);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('writes everything once; applying the same scan again changes no table', async () => {
    const host = await seedHost(t.db, 'apply-twice');
    const scan = await newScan(t.db, host);
    const pass = result('r_pass', 'pass', 'same');
    // Two rules with identical evidence: stored once.
    const results = [
      pass,
      { ...result('r_pass2', 'pass'), evidence: pass.evidence },
      result('r_fail', 'fail', 'bad'),
      result('r_na', 'not_applicable', 'n/a'),
    ];
    const first = await applyScanResults(t.db, {
      scanId: scan,
      hostId: host,
      report: { results },
      completedAt: T1,
    });
    expect(first).toEqual({ applied: true, results: 4, newEvidence: 3, transactions: 4 });
    const { rows: scans } = await t.db.query(
      'select status, total, pass, fail, not_applicable, finished_at from scans where id = $1',
      [scan],
    );
    expect(scans[0]).toMatchObject({
      status: 'completed',
      total: 4,
      pass: 2,
      fail: 1,
      not_applicable: 1,
      finished_at: T1,
    });

    const before = await snapshotTables(t.db);
    const again = await applyScanResults(t.db, {
      scanId: scan,
      hostId: host,
      report: { results },
      completedAt: T2,
    });
    expect(again).toEqual({ applied: false, results: 0, newEvidence: 0, transactions: 0 });
    expect(await snapshotTables(t.db)).toEqual(before);

    // Concurrent re-application (scan row lock): still no change.
    await Promise.all(
      [1, 2, 3].map(() =>
        applyScanResults(t.db, { scanId: scan, hostId: host, report: { results }, completedAt: T2 }),
      ),
    );
    expect(await snapshotTables(t.db)).toEqual(before);
  });

  it('a changed verdict makes exactly one transaction and moves status_since only for that rule', async () => {
    const host = await seedHost(t.db, 'drift');
    const s1 = await newScan(t.db, host);
    await applyScanResults(t.db, {
      scanId: s1,
      hostId: host,
      report: { results: [result('a', 'pass'), result('b', 'pass'), result('c', 'fail')] },
      completedAt: T1,
    });
    const s2 = await newScan(t.db, host);
    const out = await applyScanResults(t.db, {
      scanId: s2,
      hostId: host,
      report: { results: [result('a', 'pass'), result('b', 'fail', 'changed'), result('c', 'fail')] },
      completedAt: T2,
    });
    expect(out.transactions).toBe(1);
    const { rows: tx } = await t.db.query(
      'select rule_id, previous_status, status, scan_id::text as scan_id, occurred_at from transactions where host_id = $1 and scan_id = $2',
      [host, s2],
    );
    expect(tx).toEqual([
      { rule_id: 'b', previous_status: 'pass', status: 'fail', scan_id: s2, occurred_at: T2 },
    ]);
    const { rows: state } = await t.db.query<{
      rule_id: string;
      status: string;
      status_since: Date;
      last_checked_at: Date;
      check_count: number;
      last_scan_id: string;
    }>(
      'select rule_id, status, status_since, last_checked_at, check_count, last_scan_id::text as last_scan_id from host_rule_state where host_id = $1 order by rule_id',
      [host],
    );
    expect(state).toEqual([
      {
        rule_id: 'a',
        status: 'pass',
        status_since: T1,
        last_checked_at: T2,
        check_count: 2,
        last_scan_id: s2,
      },
      {
        rule_id: 'b',
        status: 'fail',
        status_since: T2,
        last_checked_at: T2,
        check_count: 2,
        last_scan_id: s2,
      },
      {
        rule_id: 'c',
        status: 'fail',
        status_since: T1,
        last_checked_at: T2,
        check_count: 2,
        last_scan_id: s2,
      },
    ]);
  });

  it('a scan applied after a newer one keeps its results but does not move the state back', async () => {
    const host = await seedHost(t.db, 'late');
    const older = await newScan(t.db, host);
    const newer = await newScan(t.db, host);
    await applyScanResults(t.db, {
      scanId: newer,
      hostId: host,
      report: { results: [result('a', 'pass')] },
      completedAt: T3,
    });
    const out = await applyScanResults(t.db, {
      scanId: older,
      hostId: host,
      report: { results: [result('a', 'fail')] },
      completedAt: T2,
    });
    expect(out).toMatchObject({ applied: true, results: 1, transactions: 0 });
    const { rows } = await t.db.query(
      'select status, last_scan_id::text as s from host_rule_state where host_id = $1',
      [host],
    );
    expect(rows).toEqual([{ status: 'pass', s: newer }]);
  });

  it('two scans of one host applied at once: one after the other, each change recorded once', async () => {
    const host = await seedHost(t.db, 'concurrent');
    const s1 = await newScan(t.db, host);
    const s2 = await newScan(t.db, host);
    await Promise.all([
      applyScanResults(t.db, {
        scanId: s1,
        hostId: host,
        report: { results: bulkResults(200) },
        completedAt: T1,
      }),
      applyScanResults(t.db, {
        scanId: s2,
        hostId: host,
        report: { results: bulkResults(200, 200) },
        completedAt: T2,
      }),
    ]);
    const { rows } = await t.db.query<{ rule_id: string; n: number; statuses: string[] }>(
      `select rule_id, count(*)::int as n, array_agg(coalesce(previous_status, '-') || '>' || status order by occurred_at) as statuses
         from transactions where host_id = $1 group by rule_id`,
      [host],
    );
    const { rows: state } = await t.db.query<{ n: number }>(
      `select count(*)::int as n from host_rule_state where host_id = $1 and last_scan_id = $2`,
      [host, s2],
    );
    expect(state[0]?.n).toBe(200);
    // Whichever ran first, the state ends at the newer scan and the history is a consistent chain.
    for (const r of rows) {
      const first = r.statuses[0] ?? '';
      expect(first.startsWith('-')).toBe(true);
      for (let i = 1; i < r.statuses.length; i++)
        expect(r.statuses[i]?.split('>')[0]).toBe(r.statuses[i - 1]?.split('>')[1]);
    }
  });

  it('refuses a scan of another host, an unknown scan, a failed scan and duplicate rules, writing nothing', async () => {
    const host = await seedHost(t.db, 'refuse');
    const other = await seedHost(t.db, 'refuse-other');
    const scan = await newScan(t.db, host);
    const before = await snapshotTables(t.db);
    const report = { results: [result('a', 'pass')] };
    await expect(
      applyScanResults(t.db, { scanId: scan, hostId: other, report, completedAt: T1 }),
    ).rejects.toMatchObject({ code: 'host_mismatch' });
    await expect(
      applyScanResults(t.db, {
        scanId: '00000000-0000-4000-8000-000000000000',
        hostId: host,
        report,
        completedAt: T1,
      }),
    ).rejects.toMatchObject({ code: 'scan_not_found' });
    await expect(
      applyScanResults(t.db, {
        scanId: scan,
        hostId: host,
        report: { results: [result('a', 'pass'), result('a', 'fail')] },
        completedAt: T1,
      }),
    ).rejects.toMatchObject({ code: 'duplicate_rule' });
    await t.db.query(`update scans set status = 'failed' where id = $1`, [scan]);
    await expect(
      applyScanResults(t.db, { scanId: scan, hostId: host, report, completedAt: T1 }),
    ).rejects.toMatchObject({ code: 'scan_not_open' });
    const after = await snapshotTables(t.db);
    expect(after.evidence).toEqual(before.evidence);
    expect(after.scan_results).toEqual(before.scan_results);
    expect(after.host_rule_state).toEqual(before.host_rule_state);
    expect(after.transactions).toEqual(before.transactions);
  });

  it('writes 1,000 results for one host (bench size), then an unchanged and a 10%-changed re-scan', async () => {
    const host = await seedHost(t.db, 'bench-size');
    const s1 = await newScan(t.db, host);
    const first = await applyScanResults(t.db, {
      scanId: s1,
      hostId: host,
      report: { results: bulkResults(1000) },
      completedAt: T1,
    });
    expect(first).toMatchObject({ applied: true, results: 1000, transactions: 1000 });
    const s2 = await newScan(t.db, host);
    const same = await applyScanResults(t.db, {
      scanId: s2,
      hostId: host,
      report: { results: bulkResults(1000) },
      completedAt: T2,
    });
    expect(same).toMatchObject({ applied: true, results: 1000, newEvidence: 0, transactions: 0 });
    const s3 = await newScan(t.db, host);
    const changed = await applyScanResults(t.db, {
      scanId: s3,
      hostId: host,
      report: { results: bulkResults(1000, 100) },
      completedAt: T3,
    });
    expect(changed).toMatchObject({ applied: true, results: 1000, transactions: 100 });
    const { rows } = await t.db.query<{ n: number }>(
      'select count(*)::int as n from host_rule_state where host_id = $1 and check_count = 3',
      [host],
    );
    expect(rows[0]?.n).toBe(1000);
  });
});

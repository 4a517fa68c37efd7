import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeServe, type ApiTarget } from '../helpers/api-servers.ts';
import { seedUser, STRONG } from '../helpers/auth.ts';
import {
  ensureConsoleBuilt,
  launchBrowser,
  openConsole,
  signIn,
  type ConsolePage,
} from '../helpers/browser.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { failingRules, refreshHostPosture } from '../../core/db/sql/posture-summary.ts';

const OSES = [
  ['ubuntu', '22.04', 'Ubuntu'],
  ['rhel', '9.4', 'Red Hat Enterprise Linux'],
  ['debian', '12', 'Debian GNU/Linux'],
] as const;

/**
 * The hosts page in Chromium against `openwatch serve` on PostgreSQL: sorting and filtering on the
 * server with the state in the URL, bulk maintenance and group changes with a per-host outcome (one
 * host fails), and the import page's preview (a bad row) then the import.
 */
describe('console hosts page in Chromium: sort, filter, bulk actions, import', () => {
  let t: TestDatabase;
  let server: ApiTarget;
  let browser: Browser;
  let ops: ConsolePage;

  const one = async <T>(sql: string, params: unknown[] = []): Promise<T[]> =>
    (await t.db.query<Record<string, T>>(sql, params)).rows.map((r) => Object.values(r)[0] as T);
  /** Host names in the table, top to bottom (the virtualised table renders the first rows). */
  const shown = async () =>
    ops.page.locator('table.hosts-table tbody tr:not(.spacer) td:nth-child(2) a').allTextContents();
  const waitRows = async (want: string[]) =>
    expect.poll(async () => (await shown()).slice(0, want.length), { timeout: 10_000 }).toEqual(want);

  /** A completed scan with `pass` of 10 verdicts passing (the rest failing), so the host has a score. */
  const scored = async (hostId: string, pass: number, at: string) => {
    const scan = await t.db.query<{ id: string }>(
      `insert into scans (host_id, source, status) values ($1, 'api', 'running') returning id`,
      [hostId],
    );
    // As core/results/apply.ts writes a scan: the state, the host's summary, then the completion.
    await t.db.transaction(async (tx) => {
      const before = await failingRules(tx, hostId);
      await tx.query(
        `insert into host_rule_state (host_id, rule_id, status, severity, evidence_hash, last_scan_id,
           last_checked_at, status_since)
         select $1, 'rule-' || n, case when n <= $3 then 'pass' else 'fail' end, 'medium', 'e0', $2, $4, $4
           from generate_series(1, 10) n`,
        [hostId, scan.rows[0]?.id, pass, at],
      );
      await refreshHostPosture(tx, hostId, before);
      await tx.query(`update scans set status = 'completed', finished_at = $2 where id = $1`, [
        scan.rows[0]?.id,
        at,
      ]);
    });
  };

  beforeAll(async () => {
    ensureConsoleBuilt();
    t = await createTestDatabase();
    await seedUser(t.db, 'ops', ['admin']);
    // The verdicts below are of made-up rules: no OS default profile, so each host is scored on all of them.
    await t.db.query(`insert into system_settings (key, value) values ('profiles.os_defaults', '[]')`);
    await t.db.query(`insert into evidence (hash, body) values ('e0', '{}')`);
    for (let i = 0; i < 24; i++) {
      const [os, version, name] = OSES[i % OSES.length] ?? OSES[0];
      const { rows } = await t.db.query<{ id: string }>(
        `insert into hosts (hostname, address, os_id, os_family, os_version, os_name, liveness, tags)
         values ($1, $2, $3, $3, $4, $5, $6, $7::text[]) returning id`,
        [
          `${i < 3 ? 'bulk' : 'node'}-${String(i).padStart(2, '0')}`,
          `10.1.0.${i + 10}`,
          os,
          version,
          name,
          i % 4 === 0 ? 'down' : 'online',
          i % 2 === 0 ? ['web'] : ['db'],
        ],
      );
      if (i % 5 !== 4) await scored(rows[0]?.id ?? '', (i * 7) % 11, `2026-11-${10 + (i % 9)}T10:00:00Z`);
    }
    await t.db.query(`insert into host_groups (name, description) values ('web-tier', 'front ends')`);
    server = await startNodeServe({ dsn: t.dsn });
    browser = await launchBrowser();
    ops = await openConsole(browser, server.base, 'hosts');
    await signIn(ops.page, 'ops', STRONG);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await t?.drop();
  }, 120_000);

  it('sorts on the server by score, both ways, and by last scan', async () => {
    const p = ops.page;
    await p.goto('/hosts');
    await waitRows(['bulk-00', 'bulk-01']);
    await p.getByRole('link', { name: 'Sort by score, ascending' }).click();
    await p.waitForURL(/sort=score&order=asc/);
    const lowest = await one<string>(
      `select hostname from hosts order by coalesce(score, -1), lower(hostname), id limit 8`,
    );
    await waitRows(lowest);
    expect(await p.locator('th[aria-sort="ascending"]').textContent()).toContain('Score');
    await p.getByRole('link', { name: 'Sort by score, descending' }).click();
    await p.waitForURL(/sort=score&order=desc/);
    const highest = await one<string>(
      `select hostname from hosts order by coalesce(score, -1) desc, lower(hostname) desc, id desc limit 8`,
    );
    await waitRows(highest);
    await ops.shot('10-hosts-sorted-by-score');
    await p.getByRole('link', { name: 'Sort by last scan, descending' }).click();
    await p.waitForURL(/sort=last_scan&order=desc/);
    await waitRows(
      await one<string>(
        `select hostname from hosts
          order by coalesce(last_scan_at, '-infinity') desc, lower(hostname) desc, id desc limit 8`,
      ),
    );
  });

  it('filters by OS and posture band; the URL holds the filters and reloads to the same rows', async () => {
    const p = ops.page;
    await p.goto('/hosts');
    await waitRows(['bulk-00']);
    await p.getByLabel('OS', { exact: true }).fill('rhel');
    await p.getByLabel('Posture', { exact: true }).selectOption('poor');
    await p.waitForURL((u) => u.search.includes('os=rhel') && u.search.includes('posture=poor'));
    const want = await one<string>(
      `select hostname from hosts where os_id = 'rhel' and score < 0.7 order by lower(hostname), id`,
    );
    expect(want.length).toBeGreaterThan(0);
    await expect.poll(shown, { timeout: 10_000 }).toEqual(want);
    await ops.shot('11-hosts-filtered');
    await p.reload();
    await expect.poll(shown, { timeout: 10_000 }).toEqual(want);
    expect(await p.getByLabel('Posture', { exact: true }).inputValue()).toBe('poor');
    await p.getByLabel('Liveness', { exact: true }).selectOption('down');
    await p.waitForURL((u) => u.search.includes('liveness=down'));
    const down = await one<string>(
      `select hostname from hosts where os_id = 'rhel' and score < 0.7 and liveness = 'down'
        order by lower(hostname), id`,
    );
    if (down.length === 0) await p.getByText('No host matches these filters.').waitFor();
    else await expect.poll(shown, { timeout: 10_000 }).toEqual(down);
  });

  it('puts the selected hosts in maintenance and in a group, reporting the host that failed', async () => {
    const p = ops.page;
    await p.goto('/hosts?q=bulk-');
    await expect.poll(shown, { timeout: 10_000 }).toEqual(['bulk-00', 'bulk-01', 'bulk-02']);
    await p.getByLabel('Select all loaded hosts').check();
    await p.getByRole('region', { name: 'Selected hosts' }).getByText('3 selected').waitFor();
    // Another operator removes one of them meanwhile: its request fails, the others go through.
    await t.db.query(`update hosts set deleted_at = now() where hostname = 'bulk-01'`);
    await p.getByRole('button', { name: 'Maintenance on' }).click();
    const outcome = p.getByTestId('bulk-outcome');
    await outcome.getByText('Maintenance on: 2 of 3 done, 1 failed').waitFor();
    // The list refreshes without bulk-01; the outcome still names it.
    await expect.poll(shown).toEqual(['bulk-00', 'bulk-02']);
    expect(await outcome.locator('.bulk-failures li').allTextContents()).toEqual([
      'bulk-01: no such host (not_found)',
    ]);
    expect(await one<string>(`select hostname from hosts where maintenance order by hostname`)).toEqual([
      'bulk-00',
      'bulk-02',
    ]);
    await expect.poll(async () => p.locator('tr .pill', { hasText: 'maintenance' }).count()).toBe(2);
    await ops.shot('12-hosts-bulk-maintenance');

    await p.getByLabel('Group for selected').selectOption({ label: 'web-tier' });
    await p.getByRole('button', { name: 'Add to group' }).click();
    await outcome.getByText('Add to web-tier: 2 of 3 done, 1 failed').waitFor();
    expect(
      await one<string>(
        `select h.hostname from host_group_members m join hosts h on h.id = m.host_id
           join host_groups g on g.id = m.group_id where g.name = 'web-tier' order by 1`,
      ),
    ).toEqual(['bulk-00', 'bulk-02']);
    const audited = await one<number>(
      `select count(*)::int from audit_events where code in ('host.updated', 'group.members.changed')`,
    );
    expect(audited).toEqual([4]);

    await p.getByRole('button', { name: 'Maintenance off' }).click();
    await outcome.getByText('Maintenance off: 2 of 3 done, 1 failed').waitFor();
    expect(await one<number>(`select count(*)::int from hosts where maintenance`)).toEqual([0]);
  });

  it('previews an import with a bad row, writing nothing, then imports the valid rows', async () => {
    const p = ops.page;
    await p.goto('/hosts');
    await p.getByRole('link', { name: 'Import hosts' }).click();
    await p.waitForURL(/\/hosts\/import$/);
    const csv = [
      'hostname,address,environment,tags',
      'imp-01,10.2.0.1,production,web;pci',
      'bad host!,10.2.0.2,production,',
      'imp-02,10.2.0.3,lab,',
    ].join('\n');
    await p.getByLabel('CSV or JSON').fill(csv);
    const before = await one<number>('select count(*)::int from hosts');
    await p.getByRole('button', { name: 'Preview CSV' }).click();
    await p.getByText('Preview: 2 valid, 1 with errors (nothing written yet)').waitFor();
    const rows = p.getByTestId('import-rows').locator('tbody tr');
    const statuses = async () => Promise.all((await rows.all()).map((r) => r.getAttribute('data-status')));
    expect(await statuses()).toEqual(['valid', 'error', 'valid']);
    expect(await rows.nth(1).textContent()).toContain('hostname');
    expect(await one<number>('select count(*)::int from hosts')).toEqual(before);
    await ops.shot('13-import-preview');

    await p.getByRole('button', { name: 'Import 2 valid rows' }).click();
    await p.getByText('Imported: 2 created, 1 not imported').waitFor();
    expect(await statuses()).toEqual(['created', 'error', 'created']);
    expect(
      await one<string>(
        `select hostname || ' ' || environment from hosts where hostname like 'imp-%' order by 1`,
      ),
    ).toEqual(['imp-01 production', 'imp-02 lab']);
    await ops.shot('14-import-done');
    await p.goto('/hosts?q=imp-');
    await expect.poll(shown, { timeout: 10_000 }).toEqual(['imp-01', 'imp-02']);
  });

  it('logged no script errors and no CSP violations (the refused requests above log only their status)', () => {
    expect(
      ops.errors.filter(
        (e) => !/^Failed to load resource: the server responded with a status of (401|404)/.test(e),
      ),
    ).toEqual([]);
  });
});

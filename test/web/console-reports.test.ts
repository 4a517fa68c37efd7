import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignedReport } from '../../core/reports/signing.ts';
import { startNodeServe, type ApiTarget } from '../helpers/api-servers.ts';
import { seedUser, STRONG } from '../helpers/auth.ts';
import {
  ensureConsoleBuilt,
  launchBrowser,
  openConsole,
  signIn,
  type ConsolePage,
} from '../helpers/browser.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { waitFor } from '../helpers/net.ts';
import { tempDir } from '../helpers/tmp.ts';

/**
 * The reports and profiles pages in Chromium against `openwatch serve` (with a report key) on PostgreSQL:
 * generate a signed snapshot and download it, pick a profile, see its rules and assign it to a host.
 */
describe('web console in Chromium: reports and profiles', () => {
  let t: TestDatabase;
  let server: ApiTarget;
  let browser: Browser;
  let op: ConsolePage;
  let keyFile: string;

  beforeAll(async () => {
    ensureConsoleBuilt();
    t = await createTestDatabase();
    keyFile = join(tempDir('ow-console-reports'), 'report.key');
    expect((await runCli(['report', 'keygen', '-o', keyFile])).code).toBe(0);
    server = await startNodeServe({ dsn: t.dsn, env: { OPENWATCH_REPORTS_KEY_FILE: keyFile } });
    await seedUser(t.db, 'rep_console', ['operator']);
    browser = await launchBrowser();
    op = await openConsole(browser, server.base, 'reports');
    await signIn(op.page, 'rep_console', STRONG);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await t?.drop();
  });

  it('generates an executive report, lists it as signed, and the HTML download verifies', async () => {
    const { page } = op;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).click();
    await page.getByText('No reports yet.').waitFor();
    await page.getByLabel('Kind').selectOption('executive');
    await page.getByRole('button', { name: 'Generate' }).click();
    const row = page.locator('tr[data-report]').first();
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('Executive posture report — fleet');
    await expect(row.textContent()).resolves.toMatch(/signed, key [0-9a-f]{16}/);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      row.getByRole('link', { name: 'HTML' }).click(),
    ]);
    const file = await download.path();
    const text = readFileSync(file, 'utf8');
    const verified = await verifySignedReport(text);
    expect(verified.ok).toBe(true);
    const cli = await runCli(['report', 'verify', file, '--public-key', `${keyFile}.pub`]);
    expect(cli.code, cli.stdout).toBe(0);

    // A bad scope is answered with the API's message, not lost.
    await page.getByLabel('Scope').selectOption('host');
    await page.getByLabel('Host id').fill('00000000-0000-4000-8000-000000000000');
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByText('no such host').waitFor();
    await op.shot('reports');
    // The signed-out session probe (401) and the refused host (404) are expected; nothing else, CSP included.
    expect(
      op.errors.filter((e) => !/status of (401|404)/.test(e)),
      op.errors.join('\n'),
    ).toEqual([]);
  }, 120_000);

  it('shows a profile with its rules and assigns it to a host', async () => {
    const { page } = op;
    const host = await t.db.query<{ id: string }>(
      `insert into hosts (hostname, address) values ('console-prof', '192.0.2.40') returning id::text as id`,
    );
    const hostId = host.rows[0]?.id ?? '';
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Profiles' }).click();
    await page.locator('tr[data-profile="openwatch_baseline"]').getByRole('button').click();
    await page.locator('tr[data-rule]').first().waitFor();
    const shown = await page.locator('tr[data-rule]').count();
    const stored = await t.db.query<{ n: number }>(
      `select cardinality(rules)::int as n from profiles where id = 'openwatch_baseline'`,
    );
    expect(shown).toBe(stored.rows[0]?.n);
    await page.getByLabel('Host id').fill(hostId);
    await page.getByRole('button', { name: 'Assign' }).click();
    await page.getByText('host now runs openwatch_baseline (host)').waitFor();
    await waitFor(
      async () => {
        const r = await t.db.query('select 1 from host_profiles where host_id = $1', [hostId]);
        return r.rows.length === 1 ? true : undefined;
      },
      5_000,
      'the assignment',
    );
    await op.shot('profiles');
  }, 120_000);
});

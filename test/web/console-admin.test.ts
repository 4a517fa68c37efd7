import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyScanResults } from '../../core/results/apply.ts';
import { DEFAULT_SCAN_SCHEDULE, writeSchedule } from '../../core/schedule/config.ts';
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
import { newScan, result, seedHost } from '../results/fixtures.ts';

const MINUTE = 60_000;
const ROOT_LOGIN = 'sshd_disable_root_login';
const X11 = 'sshd_disable_x11_forwarding';

/** The rule ids the host's results table lists (its rows carry data-rule), sorted. */
async function tableRules(p: Page): Promise<string[]> {
  const rows = await p.getByTestId('host-results').locator('tr[data-rule]').all();
  return (await Promise.all(rows.map(async (r) => (await r.getAttribute('data-rule')) ?? ''))).sort();
}

/**
 * The administration pages in Chromium against `openwatch serve` on PostgreSQL: a custom role from the
 * permission registry assigned to a user who then sees only what it allows; a group with a member,
 * maintenance and a group scan; the schedules with a refused and an accepted value; and a host's rule
 * results at a time between two scans. No sshd: the results are written by the same code a scan uses.
 */
describe('web console administration: roles, groups, schedules, results at a past time', () => {
  let t: TestDatabase;
  let server: ApiTarget;
  let browser: Browser;
  let ada: ConsolePage;
  let hostId = '';
  let between = '';

  const api = async <T>(path: string): Promise<T> =>
    ada.page.evaluate(async (path) => {
      const res = await fetch(path);
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    }, path);

  beforeAll(async () => {
    ensureConsoleBuilt();
    t = await createTestDatabase();
    await seedUser(t.db, 'ada', ['admin']);
    await seedUser(t.db, 'hugo', ['viewer']);
    // The scheduler must not queue scans of its own: the group scan below counts what it queued.
    await writeSchedule(t.db, 'scan', { ...DEFAULT_SCAN_SCHEDULE, enabled: false });
    hostId = await seedHost(t.db, 'web-1');
    const apply = async (statuses: [string, 'pass' | 'fail'][], completedAt: Date) =>
      applyScanResults(t.db, {
        scanId: await newScan(t.db, hostId),
        hostId,
        report: { results: statuses.map(([id, s]) => result(id, s, s === 'pass' ? 'no' : 'yes')) },
        completedAt,
      });
    const now = Date.now();
    await apply(
      [
        [ROOT_LOGIN, 'fail'],
        [X11, 'pass'],
      ],
      new Date(now - 120 * MINUTE),
    );
    await apply(
      [
        [ROOT_LOGIN, 'pass'],
        [X11, 'fail'],
      ],
      new Date(now - 60 * MINUTE),
    );
    between = new Date(now - 90 * MINUTE).toISOString();
    server = await startNodeServe({ dsn: t.dsn });
    browser = await launchBrowser();
    ada = await openConsole(browser, server.base, 'admin');
    await signIn(ada.page, 'ada', STRONG);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await t?.drop();
  }, 120_000);

  it('creates a role with two permissions, assigns it, and its holder sees only what it allows', async () => {
    const p = ada.page;
    await p.getByRole('link', { name: 'Roles' }).click();
    const builtin = p.locator('tr[data-role="admin"]');
    await builtin.getByText('built-in').waitFor();
    expect(await builtin.getByRole('button').count()).toBe(0);
    await p.getByRole('button', { name: 'New role' }).click();
    await p.getByLabel('Role name').fill('host_auditor');
    await p.getByLabel('Description').fill('Reads hosts and their results');
    await p.getByRole('group', { name: /^hosts$/i }).waitFor();
    await p.getByRole('checkbox', { name: /^hosts:read/ }).check();
    await p.getByRole('checkbox', { name: /^results:read/ }).check();
    await ada.shot('01-role-new');
    await p.getByRole('button', { name: 'Create role' }).click();
    const row = p.locator('tr[data-role="host_auditor"]');
    await row.waitFor();
    expect(await row.locator('.tag').allTextContents()).toEqual(['hosts:read', 'results:read']);
    await ada.shot('02-roles');

    await p.getByRole('link', { name: 'Users' }).click();
    const hugo = p.locator('tr[data-user="hugo"]');
    await hugo.getByRole('button', { name: 'Roles' }).click();
    const form = p.getByRole('form', { name: 'Roles of hugo' });
    await form.getByRole('checkbox', { name: 'viewer' }).uncheck();
    await form.getByRole('checkbox', { name: 'host_auditor' }).check();
    await ada.shot('03-user-roles');
    await form.getByRole('button', { name: 'Save roles' }).click();
    await form.waitFor({ state: 'detached' });
    await expect.poll(() => hugo.locator('.tag').allTextContents()).toEqual(['host_auditor']);

    const h = await openConsole(browser, server.base, 'hugo');
    await signIn(h.page, 'hugo', STRONG);
    const nav = h.page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Hosts' }).waitFor();
    const links = (await nav.locator('ul a').allTextContents()).map((s) => s.trim());
    expect(links).toEqual(['Dashboard', 'Hosts', 'Groups']);
    expect(await h.page.getByRole('heading', { name: 'Administration' }).count()).toBe(0);
    await h.shot('01-dashboard');
    await h.page.goto('/admin/roles');
    await h.page.getByText('Not permitted').waitFor();
    await h.context.close();
  }, 180_000);

  it('edits a custom role and deletes one', async () => {
    const p = ada.page;
    await p.getByRole('link', { name: 'Roles' }).click();
    await p.getByRole('button', { name: 'New role' }).click();
    await p.getByLabel('Role name').fill('Bad Name');
    await p.getByRole('checkbox', { name: /^rules:read/ }).check();
    await p.getByRole('button', { name: 'Create role' }).click();
    await p
      .locator('.field', { has: p.getByLabel('Role name') })
      .locator('.field-error')
      .waitFor();
    await p.getByLabel('Role name').fill('rule_reader');
    await p.getByRole('button', { name: 'Create role' }).click();
    const row = p.locator('tr[data-role="rule_reader"]');
    await row.getByRole('button', { name: 'Edit' }).click();
    await p.getByRole('checkbox', { name: /^exceptions:read/ }).check();
    await p.getByRole('button', { name: 'Save role' }).click();
    await expect.poll(() => row.locator('.tag').allTextContents()).toEqual(['exceptions:read', 'rules:read']);
    await row.getByRole('button', { name: 'Delete' }).click();
    await row.getByRole('button', { name: 'Delete rule_reader' }).click();
    await row.waitFor({ state: 'detached' });
    const { rows } = await t.db.query(`select name from roles where name = 'rule_reader'`);
    expect(rows).toEqual([]);
  }, 120_000);

  it('creates a group, adds a host, toggles maintenance and scans the group', async () => {
    const p = ada.page;
    await p.getByRole('link', { name: 'Groups' }).click();
    await p.getByText('No groups yet').waitFor();
    await p.getByRole('button', { name: 'New group' }).click();
    await p.getByLabel('Group name').fill('web-tier');
    await p.getByRole('button', { name: 'Create group' }).click();
    await p.getByRole('heading', { name: 'web-tier' }).waitFor();
    await p.getByText('No hosts in this group yet').waitFor();
    await p.getByLabel('Add a host').fill('web-1');
    await p.getByRole('button', { name: 'Add web-1' }).click();
    await p.locator('tr[data-member="web-1"]').waitFor();
    // The member's results now count towards the group's posture (1 pass of 2).
    await expect.poll(() => p.getByTestId('group-score').textContent()).toBe('50.0%');

    await p.getByRole('button', { name: 'Start maintenance' }).click();
    await p.getByTestId('group-maintenance').getByText('on', { exact: true }).waitFor();
    await p.getByRole('button', { name: 'Scan group' }).click();
    await expect
      .poll(() => p.getByTestId('group-scan-result').textContent())
      .toBe('0 scans queued, 1 skipped (in maintenance)');
    await ada.shot('04-group-maintenance');

    await p.getByRole('button', { name: 'End maintenance' }).click();
    await p.getByTestId('group-maintenance').getByText('off', { exact: true }).waitFor();
    await p.getByRole('button', { name: 'Scan group' }).click();
    await expect.poll(() => p.getByTestId('group-scan-result').textContent()).toBe('1 scan queued');
    const { rows } = await t.db.query<{ n: number }>(
      `select count(*)::int as n from scans where host_id = $1 and source = 'group'`,
      [hostId],
    );
    expect(rows[0]?.n).toBe(1);
    await ada.shot('05-group');
    await p.getByRole('link', { name: 'Groups' }).click();
    await p.locator('tr[data-group="web-tier"]').getByText('off').waitFor();
    await ada.shot('06-groups');

    await p.getByRole('link', { name: 'web-tier' }).click();
    await p.getByLabel('Name', { exact: true }).fill('web-servers');
    await p.getByRole('button', { name: 'Save group' }).click();
    await p.getByRole('heading', { name: 'web-servers' }).waitFor();
    await p.getByRole('button', { name: 'Delete group' }).click();
    await p.getByRole('button', { name: 'Delete web-servers (its hosts stay)' }).click();
    await p.getByText('No groups yet').waitFor();
    expect(
      (await t.db.query(`select 1 from hosts where id = $1 and deleted_at is null`, [hostId])).rowCount,
    ).toBe(1);
  }, 180_000);

  it('refuses an invalid scan interval next to its field, then saves a valid one', async () => {
    const p = ada.page;
    await p.getByRole('link', { name: 'Schedules' }).click();
    const high = p.getByLabel('High', { exact: true });
    await expect.poll(() => high.inputValue()).toBe('12');
    await high.fill('0');
    await p.getByRole('button', { name: 'Save scan schedule' }).click();
    const highField = p.locator('.field', { has: high });
    await expect.poll(() => highField.locator('.field-error').textContent()).toMatch(/>0|too small/i);
    // 0 also breaks the order critical ≤ high ≤ …: that message stands under the group of intervals.
    expect((await p.locator('.field-error').allTextContents()).sort()).toEqual(
      [
        await highField.locator('.field-error').textContent(),
        'intervals must not decrease from critical to compliant',
      ].sort(),
    );
    await ada.shot('07-schedules-invalid');
    expect(await api<{ intervals_hours: { high: number } }>('/api/v1/system/scan/config')).toMatchObject({
      intervals_hours: { high: 12 },
    });

    await high.fill('6');
    await p.getByRole('button', { name: 'Save scan schedule' }).click();
    await p.getByText('Scan schedule saved.').waitFor();
    expect(await p.locator('.field-error').count()).toBe(0);
    expect(await api<{ intervals_hours: { high: number } }>('/api/v1/system/scan/config')).toMatchObject({
      enabled: false,
      intervals_hours: { high: 6 },
    });
    await ada.shot('08-schedules');
  }, 120_000);

  it('shows the host’s rule results at a time between two scans as the first scan left them', async () => {
    const p = ada.page;
    await p.goto(`/hosts/${hostId}?status=all`);
    await expect.poll(() => tableRules(p)).toEqual([ROOT_LOGIN, X11].sort());
    await p.goto(`/hosts/${hostId}?status=fail`);
    await expect.poll(() => tableRules(p)).toEqual([X11]);
    const offsetMin = await p.evaluate((iso) => new Date(iso).getTimezoneOffset(), between);
    const local = new Date(new Date(between).getTime() - offsetMin * 60_000).toISOString().slice(0, 19);
    await p.getByLabel('Show posture at').fill(local);
    await p.getByRole('heading', { name: /^Rule results at / }).waitFor();
    await expect.poll(() => tableRules(p)).toEqual([ROOT_LOGIN]);
    await p.locator(`tr[data-rule="${ROOT_LOGIN}"]`).getByRole('link').click();
    await expect
      .poll(() => p.getByTestId('evidence').getByTestId('observed').first().textContent())
      .toBe('yes');
    await ada.shot('09-host-results-at-time');
    await p.getByRole('button', { name: 'Now', exact: true }).click();
    await p.getByRole('heading', { name: 'Rule results', exact: true }).waitFor();
    await expect.poll(() => tableRules(p)).toEqual([X11]);
    const csp = ada.errors.filter((e) => /Content Security Policy/i.test(e));
    expect(csp).toEqual([]);
  }, 120_000);
});

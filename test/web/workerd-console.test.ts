import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerd, type ApiTarget } from '../helpers/api-servers.ts';
import { seedUser, STRONG } from '../helpers/auth.ts';
import { ensureConsoleBuilt, launchBrowser, openConsole, signIn } from '../helpers/browser.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

// The same console deployed as workerd static assets (wrangler dev): sign in and list hosts.
describe('web console on wrangler dev', () => {
  let t: TestDatabase;
  let worker: ApiTarget;
  let browser: Browser;

  beforeAll(async () => {
    ensureConsoleBuilt();
    t = await createTestDatabase();
    await seedUser(t.db, 'wanda', ['operator']);
    await t.db.query(
      `insert into hosts (hostname, address, tags) values ('edge-1', '192.0.2.10', '{edge}'), ('edge-2', '192.0.2.11', '{}')`,
    );
    worker = await startWorkerd(t.dsn);
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    await t?.drop();
  });

  it('serves the console with its headers, falls back to index.html, signs in and lists hosts', async () => {
    const index = await worker.fetch('/hosts');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await index.text()).toContain('<div id="root"></div>');

    const c = await openConsole(browser, worker.base, 'workerd');
    await signIn(c.page, 'wanda', STRONG);
    await c.page.getByRole('link', { name: 'Hosts' }).click();
    await c.page.getByRole('link', { name: 'edge-1' }).waitFor();
    expect(await c.page.locator('table.hosts-table tbody tr:not(.spacer)').count()).toBe(2);
    await c.page.getByLabel('Tag').fill('edge');
    await c.page.waitForURL(/tag=edge/);
    await expect.poll(() => c.page.locator('table.hosts-table tbody tr:not(.spacer)').count()).toBe(1);
    await c.shot('hosts');
    expect(c.errors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
  }, 120_000);

  // workerd ends the events stream after its backlog; the console reconnects with Last-Event-ID.
  it('follows the event log: a scan queued by another client appears on the open scans page', async () => {
    const c = await openConsole(browser, worker.base, 'workerd-live');
    await signIn(c.page, 'wanda', STRONG);
    await c.page.goto('/scans');
    await c.page.getByText('No scans').waitFor();
    await c.page.locator('[data-testid="live-status"][data-state="live"]').waitFor();
    const login = await worker.fetch('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'wanda', password: STRONG }),
    });
    const { access_token } = (await login.json()) as { access_token: string };
    const { rows } = await t.db.query<{ id: string }>(`select id from hosts where hostname = 'edge-1'`);
    const res = await worker.fetch(`/api/v1/hosts/${rows[0]?.id ?? ''}/scans`, {
      method: 'POST',
      headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(202);
    const scan = (await res.json()) as { id: string };
    await c.page.locator(`tr[data-scan="${scan.id}"]`).getByText('Queued').waitFor({ timeout: 15_000 });
    await c.shot('scans-live');
    expect(c.errors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
  }, 120_000);
});

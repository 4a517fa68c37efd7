import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeServe, type ApiTarget } from '../helpers/api-servers.ts';
import { STRONG } from '../helpers/auth.ts';
import { ensureConsoleBuilt, launchBrowser, openConsole } from '../helpers/browser.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { waitFor } from '../helpers/net.ts';

/**
 * First-run setup in the browser. Needs the setup API (GET/POST /api/v1/setup and the one-time link that
 * `openwatch serve` prints on an empty database), built on another branch: run after both are merged.
 */
describe('first-run setup page', () => {
  let t: TestDatabase;
  let server: ApiTarget;
  let browser: Browser;

  beforeAll(async () => {
    ensureConsoleBuilt();
    t = await createTestDatabase();
    server = await startNodeServe({ dsn: t.dsn });
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await t?.drop();
  });

  it('creates the first administrator from the link in the fragment and signs in with it', async () => {
    const link = await waitFor(
      async () => /https?:\/\/\S+\/setup#token=[A-Za-z0-9_-]+/.exec(server.output())?.[0],
      30_000,
      `setup link in serve output: ${server.output()}`,
    );
    const path = new URL(link).pathname + new URL(link).hash;
    const c = await openConsole(browser, server.base, 'setup');
    const p = c.page;

    await p.goto('/setup#token=not-the-token');
    await p.getByLabel('Username').fill('root_admin');
    await p.getByLabel('E-mail').fill('root_admin@example.test');
    await p.getByLabel('Password', { exact: true }).fill(STRONG);
    await p.getByLabel('Repeat the password').fill(STRONG);
    await p.getByRole('button', { name: /Create administrator/ }).click();
    await p.getByText('This setup link is not valid any more').waitFor();

    await p.goto(path);
    await p.getByRole('heading', { name: 'Create the administrator' }).waitFor();
    await c.shot('01-setup');
    await p.getByLabel('Username').fill('root_admin');
    await p.getByLabel('E-mail').fill('root_admin@example.test');
    await p.getByLabel('Password', { exact: true }).fill(STRONG);
    await p.getByLabel('Repeat the password').fill(STRONG);
    await p.getByRole('button', { name: /Create administrator/ }).click();
    await p.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(new URL(p.url()).hash).toBe('');
    await c.shot('02-signed-in');

    await p.goto(path);
    await p.getByRole('heading', { name: 'Setup is complete' }).waitFor();
    const { rows } = await t.db.query<{ roles: string[] }>(
      `select array(select role from user_roles r where r.user_id = u.id) as roles from users u where username = 'root_admin'`,
    );
    expect(rows[0]?.roles).toContain('admin');
  }, 120_000);
});

import { createServer, type Server, type Socket } from 'node:net';
import type { Browser, Request } from 'playwright-core';
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
import { waitFor } from '../helpers/net.ts';
import { SshLab, type SshdHost } from '../helpers/sshd.ts';

const HARDENED = 'PermitRootLogin no\nX11Forwarding no\n';
const WEAK = 'PermitRootLogin yes\nX11Forwarding no\n';
const RULES = ['sshd_disable_root_login', 'sshd_disable_x11_forwarding'];
const SCAN_MS = 120_000;
/** Longer than any polling interval the console ever used (2–10 s): a quiet page sends nothing. */
const QUIET_MS = 12_000;

/**
 * Live updates in Chromium against `openwatch serve` (API + in-process runner) on PostgreSQL with real
 * sshd hosts: changes made by another client reach the open page through the events stream.
 */
describe('web console live: events stream, notification bell, sessions, audit chain', () => {
  let t: TestDatabase;
  let server: ApiTarget;
  let lab: SshLab;
  let hardened: SshdHost;
  let weak: SshdHost;
  let browser: Browser;
  let alice: ConsolePage;
  let token = '';
  let hostId = '';
  let credentialId = '';
  /** Accepts TCP and never speaks SSH: a scan of a host here stays running until cancelled. */
  let stall: Server | undefined;
  const stalled: Socket[] = [];

  /** Another client: the API with a bearer token of its own session. */
  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await server.fetch(path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const scanVia = async () =>
    (await api<{ id: string }>('POST', `/api/v1/hosts/${hostId}/scans`, { rule_ids: RULES })).id;
  const scanDone = (id: string) =>
    waitFor(
      async () => {
        const s = await api<{ status: string }>('GET', `/api/v1/scans/${id}`);
        if (s.status === 'failed') throw new Error(`scan ${id} failed`);
        return s.status === 'completed' ? true : undefined;
      },
      SCAN_MS,
      `scan ${id}`,
    );
  /** GET requests to API paths (not the stream) the page makes from now on. */
  const recordApiGets = (c: ConsolePage) => {
    const seen: string[] = [];
    const on = (r: Request) => {
      const u = new URL(r.url());
      if (r.method() === 'GET' && u.pathname.startsWith('/api/') && u.pathname !== '/api/v1/events/stream')
        seen.push(u.pathname + u.search);
    };
    c.page.on('request', on);
    return { seen, stop: () => c.page.off('request', on) };
  };

  beforeAll(async () => {
    ensureConsoleBuilt();
    t = await createTestDatabase();
    await seedUser(t.db, 'alice', ['admin']);
    lab = await SshLab.create();
    hardened = await lab.startHost({ etc: { sshdConfig: HARDENED } });
    weak = await lab.startHost({ etc: { sshdConfig: WEAK } });
    server = await startNodeServe({ dsn: t.dsn });
    const login = await server.fetch('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: STRONG }),
    });
    token = ((await login.json()) as { access_token: string }).access_token;
    const cred = await api<{ id: string }>('POST', '/api/v1/credentials', {
      name: 'scanner',
      username: lab.users.sudoNopasswd.name,
      auth_method: 'key',
      private_key: lab.keys.clientKey,
    });
    credentialId = cred.id;
    hostId = (
      await api<{ id: string }>('POST', '/api/v1/hosts', {
        hostname: 'live-1',
        address: hardened.address,
        port: hardened.port,
        credential_id: cred.id,
        host_key_policy: 'tofu',
      })
    ).id;
    await api('POST', '/api/v1/alert-rules', {
      name: 'High rule regressed',
      event_kind: 'rule.regressed',
      min_severity: 'high',
    });
    browser = await launchBrowser();
    alice = await openConsole(browser, server.base, 'live-alice');
    await signIn(alice.page, 'alice', STRONG);
  }, 180_000);
  afterAll(async () => {
    for (const sock of stalled) sock.destroy();
    stall?.close();
    await browser?.close();
    await server?.stop();
    await lab?.cleanup();
    await t?.drop();
  }, 240_000);

  it('scans started and cancelled by another client appear, complete and end on the open scans page, without reload or polling', async () => {
    const p = alice.page;
    await p.goto('/scans');
    await p.getByRole('heading', { name: 'Scans' }).waitFor();
    await p.locator('[data-testid="live-status"][data-state="live"]').waitFor();
    await p.getByText('No scans').waitFor();
    let navigations = 0;
    p.on('framenavigated', (f) => {
      if (f === p.mainFrame()) navigations += 1;
    });

    const scanId = await scanVia();
    const row = p.locator(`tr[data-scan="${scanId}"]`);
    await row.waitFor({ timeout: 15_000 });
    await alice.shot('01-scans-live-running');
    await scanDone(scanId);
    await row.getByText('Completed').waitFor({ timeout: 15_000 });
    await alice.shot('02-scans-live-completed');

    // A scan of a host that never answers SSH, cancelled by the other client while it waits: the page
    // shows the scan appear and end as cancelled.
    const server0 = createServer((sock) => stalled.push(sock));
    stall = server0;
    await new Promise<void>((resolve) => server0.listen(0, '127.0.0.1', resolve));
    const port = (server0.address() as { port: number }).port;
    const stuck = await api<{ id: string }>('POST', '/api/v1/hosts', {
      hostname: 'stall-1',
      address: '127.0.0.1',
      port,
      credential_id: credentialId,
      host_key_policy: 'tofu',
    });
    const cancelled = (
      await api<{ id: string }>('POST', `/api/v1/hosts/${stuck.id}/scans`, { rule_ids: RULES })
    ).id;
    await p.locator(`tr[data-scan="${cancelled}"]`).waitFor({ timeout: 15_000 });
    await alice.shot('03-scans-live-stalled');
    await api('POST', `/api/v1/scans/${cancelled}/cancel`);
    await p.locator(`tr[data-scan="${cancelled}"]`).getByText('Cancelled').waitFor({ timeout: 15_000 });
    await api('DELETE', `/api/v1/hosts/${stuck.id}`);
    expect(navigations).toBe(0);

    // No scan changes now: the page does not ask for scans again (no refetchInterval), the stream stays open.
    const { rows: head } = await t.db.query<{ id: string }>(
      'select coalesce(max(id), 0)::text as id from events',
    );
    const gets = recordApiGets(alice);
    await p.waitForTimeout(QUIET_MS);
    gets.stop();
    const { rows: during } = await t.db.query<{ kind: string }>(
      'select kind from events where id > $1 order by id',
      [head[0]?.id],
    );
    // Only an event may make the page ask again: none about scans came, so it asked for no scans.
    expect(during.filter((e) => e.kind.startsWith('scan.'))).toEqual([]);
    expect(gets.seen.filter((u) => u.startsWith('/api/v1/scans'))).toEqual([]);
    expect(await p.getByTestId('live-status').getAttribute('data-state')).toBe('live');
  });

  it('a regression alert raises the bell’s count live; the dropdown links to it; the alerts page acts on it', async () => {
    const p = alice.page;
    await p.goto('/');
    await p.getByRole('heading', { name: 'Fleet posture' }).waitFor();
    const bell = p.getByRole('button', { name: /^Notifications: \d+ unread$/ });
    await expect.poll(() => bell.getAttribute('aria-label')).toBe('Notifications: 0 unread');

    // Another client weakens the host's sshd (points it at the weak instance) and rescans: root login
    // regresses (this test's rule) and the score falls from 100 % to 50 % (the built-in major drift rule).
    await api('PATCH', `/api/v1/hosts/${hostId}`, { port: weak.port });
    await scanDone(await scanVia());
    await p.getByTestId('bell-count').filter({ hasText: '2' }).waitFor({ timeout: 30_000 });
    expect(await bell.getAttribute('aria-label')).toBe('Notifications: 2 unread');

    await bell.click();
    const items = p.getByTestId('bell-item');
    await expect.poll(() => items.count()).toBe(2);
    const regression = items.filter({ hasText: 'High rule regressed — live-1 — sshd_disable_root_login' });
    expect(await regression.count()).toBe(1);
    await alice.shot('04-bell-open');
    await p.getByRole('link', { name: 'All alerts' }).click();
    await p.getByRole('heading', { name: 'Alerts' }).waitFor();
    const rows = p.getByTestId('alerts-table').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    const row = rows.filter({ hasText: 'sshd_disable_root_login' });
    expect(await row.textContent()).toContain('live-1');
    await alice.shot('05-alerts-page');

    await row.getByRole('button', { name: 'Acknowledge' }).click();
    await row.getByText('acknowledged', { exact: true }).waitFor();
    const alerts = await api<{
      items: Array<{ state: string; rule_id: string | null; state_changed_by: string | null }>;
    }>('GET', '/api/v1/alerts?state=acknowledged');
    const me = await api<{ id: string }>('GET', '/api/v1/auth/me');
    expect(alerts.items.map((a) => [a.rule_id, a.state_changed_by])).toEqual([
      ['sshd_disable_root_login', me.id],
    ]);
    // Only active alerts count as unread: the drift alert is left.
    await expect.poll(() => bell.getAttribute('aria-label')).toBe('Notifications: 1 unread');

    await bell.click();
    await p.getByRole('button', { name: 'Mark all read' }).click();
    await expect.poll(() => bell.getAttribute('aria-label')).toBe('Notifications: 0 unread');
  });

  it('the channels page creates a Slack channel without showing its secret again, sends a test, deletes it', async () => {
    const p = alice.page;
    await p.goto('/alerts');
    await p.getByRole('link', { name: 'Notification channels' }).click();
    await p.getByRole('heading', { name: 'Notification channels' }).waitFor();
    await p.getByText('No channels yet').waitFor();
    await p.getByRole('button', { name: 'New channel' }).click();
    await p.getByLabel('Name').fill('sec-slack');
    await p.getByLabel('Type').selectOption('slack');
    const url = 'https://hooks.slack.example/services/T000/B000/secretpart';
    await p.getByLabel('HTTPS URL').fill(url);
    await p.getByRole('button', { name: 'Create channel' }).click();
    const row = p.getByTestId('channels').locator('tbody tr');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('sec-slack');
    expect(await p.content()).not.toContain('secretpart');
    const listed = await api<{ items: Array<{ id: string; name: string; type: string }> }>(
      'GET',
      '/api/v1/channels',
    );
    expect(listed.items.map((c) => [c.name, c.type])).toEqual([['sec-slack', 'slack']]);

    await row.getByRole('button', { name: 'Send test' }).click();
    await p.getByText('Test message queued').waitFor();
    await alice.shot('08-channels');
    await row.getByRole('button', { name: 'Delete' }).click();
    await p.getByText('No channels yet').waitFor();
    expect((await api<{ items: unknown[] }>('GET', '/api/v1/channels')).items).toEqual([]);
  });

  it('revoking a second session from the profile page makes that session’s next request 401', async () => {
    const other = await openConsole(browser, server.base, 'live-alice-2');
    try {
      await signIn(other.page, 'alice', STRONG);
      const me = async (c: ConsolePage) =>
        c.page.evaluate(async () => {
          const r = await fetch('/api/v1/auth/me');
          return {
            status: r.status,
            body: r.ok ? ((await r.json()) as { auth: { session_id: string } }) : null,
          };
        });
      const second = (await me(other)).body?.auth.session_id ?? '';
      const first = (await me(alice)).body?.auth.session_id ?? '';
      expect(second).toMatch(/^[0-9a-f-]{36}$/);

      const p = alice.page;
      await p.goto('/profile');
      const rows = p.getByTestId('sessions').locator('tbody tr');
      await p.locator(`tr[data-session="${second}"]`).waitFor();
      expect(
        await p.locator(`tr[data-session="${first}"]`).getByText('This session', { exact: true }).count(),
      ).toBe(1);
      await alice.shot('06-profile-sessions');
      const before = await rows.count();
      await p.locator(`tr[data-session="${second}"]`).getByRole('button', { name: 'Revoke' }).click();
      await expect.poll(() => rows.count()).toBe(before - 1);
      expect(await p.locator(`tr[data-session="${second}"]`).count()).toBe(0);

      expect((await me(other)).status).toBe(401);
      expect((await me(alice)).status).toBe(200);
      const { rows: audited } = await t.db.query<{ target_id: string }>(
        `select target_id from audit_events where code = 'auth.session.revoked'`,
      );
      expect(audited.map((r) => r.target_id)).toEqual([second]);
    } finally {
      await other.context.close();
    }
  });

  it('where a proxy refuses the stream, the console polls the events API and still follows scans', async () => {
    const c = await openConsole(browser, server.base, 'live-polling');
    try {
      // A reverse proxy that does not pass text/event-stream through: everything else reaches the server.
      await c.page.route('**/api/v1/events/stream**', (route) =>
        route.fulfill({ status: 404, contentType: 'text/html', body: '<h1>Not Found</h1>' }),
      );
      await signIn(c.page, 'alice', STRONG);
      await c.page.goto('/scans');
      await c.page.locator('[data-testid="live-status"][data-state="polling"]').waitFor();
      const polls: string[] = [];
      c.page.on('request', (r) => {
        if (new URL(r.url()).pathname === '/api/v1/events') polls.push(new URL(r.url()).search);
      });
      await api('PATCH', `/api/v1/hosts/${hostId}`, { port: hardened.port });
      const scanId = await scanVia();
      await c.page.locator(`tr[data-scan="${scanId}"]`).waitFor({ timeout: 20_000 });
      await scanDone(scanId);
      await c.page.locator(`tr[data-scan="${scanId}"]`).getByText('Completed').waitFor({ timeout: 20_000 });
      // The next poll asks after the last event seen: the cursor has moved past the scan's events.
      const { rows } = await t.db.query<{ id: string }>(
        `select min(id)::text as id from events where data->>'scan_id' = $1`,
        [scanId],
      );
      const lastAfter = () => Number(/after=(\d+)/.exec(polls.at(-1) ?? '')?.[1] ?? 0);
      await expect.poll(lastAfter, { timeout: 15_000 }).toBeGreaterThanOrEqual(Number(rows[0]?.id));
      await c.shot('scans');
    } finally {
      await c.context.close();
    }
  });

  it('the audit page shows the chain intact', async () => {
    const p = alice.page;
    await p.goto('/admin/audit');
    const banner = p.getByTestId('audit-chain');
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/^Audit chain intact: \d+ events verified/);
    await alice.shot('07-audit-chain');
    expect(alice.errors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
  });
});

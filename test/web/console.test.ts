import type { Browser, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode, hotp, stepAt } from '../../core/identity/totp.ts';
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
import { SshLab, type SshdHost } from '../helpers/sshd.ts';

const LAX = 'PermitRootLogin yes\nX11Forwarding yes\nMaxAuthTries 10\n';
const HARDENED = 'PermitRootLogin no\nX11Forwarding no\nMaxAuthTries 4\n';
const SCAN_MS = 120_000;

/** The rule ids of a list's items (data-rule), sorted. */
async function ruleIds(items: Locator): Promise<Array<string | null>> {
  return (await Promise.all((await items.all()).map((l) => l.getAttribute('data-rule')))).sort();
}

/**
 * The console in Chromium against `openwatch serve` (API + in-process runner) on PostgreSQL, scanning real
 * sshd hosts. The steps build on each other, as an operator's first hour would.
 */
describe('web console in Chromium: sign-in with TOTP → host → scan → evidence → exception → drift', () => {
  let t: TestDatabase;
  let server: ApiTarget;
  let lab: SshLab;
  let lax: SshdHost;
  let hardened: SshdHost;
  let browser: Browser;
  let alice: ConsolePage;
  let mfaSecret = '';
  let hostId = '';
  const scanIds: string[] = [];
  let between = '';

  /** The API as alice's browser session sees it (cookie + CSRF), for checking what the page shows. */
  const api = async <T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> => {
    const csrf = (await alice.context.cookies()).find((c) => c.name === '__Host-ow_csrf')?.value ?? '';
    return alice.page.evaluate(
      async ({ path, init, csrf }) => {
        const res = await fetch(path, {
          method: init.method ?? 'GET',
          headers: { 'content-type': 'application/json', 'x-csrf-token': decodeURIComponent(csrf) },
          ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        });
        if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
        return (await res.json()) as T;
      },
      { path, init, csrf },
    );
  };

  /** Clicks "Scan now" and follows the page until it shows the new scan completed. */
  const scanAndWait = async () => {
    const p = alice.page;
    type Scans = { items: Array<{ id: string; status: string }> };
    const latest = async () => (await api<Scans>(`/api/v1/scans?host_id=${hostId}&limit=1`)).items[0];
    const before = (await latest())?.id;
    await p.getByRole('button', { name: 'Scan now' }).click();
    await p.getByRole('button', { name: 'Scanning…' }).waitFor();
    await expect
      .poll(
        async () => {
          const s = await latest();
          return s && s.id !== before ? s.status : 'not started';
        },
        { timeout: SCAN_MS, interval: 1000 },
      )
      .toBe('completed');
    await p.getByRole('button', { name: 'Scan now' }).waitFor({ timeout: 10_000 });
    await p.getByTestId('latest-scan').getByText('Completed').waitFor();
    const id = (await latest())?.id ?? '';
    scanIds.push(id);
    return id;
  };

  beforeAll(async () => {
    ensureConsoleBuilt();
    t = await createTestDatabase();
    await seedUser(t.db, 'alice', ['admin']);
    await seedUser(t.db, 'bob', ['security_admin']);
    await seedUser(t.db, 'vera', ['viewer']);
    lab = await SshLab.create();
    // Two sshd instances with the same host key and different configs: "the host's sshd config changed".
    lax = await lab.startHost({ etc: { sshdConfig: LAX } });
    hardened = await lab.startHost({ etc: { sshdConfig: HARDENED } });
    server = await startNodeServe({ dsn: t.dsn });
    browser = await launchBrowser();
    alice = await openConsole(browser, server.base, 'alice');
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await lab?.cleanup();
    await t?.drop();
  }, 240_000);

  it('signs in, enrols TOTP from the QR code, and signs in again with a code', async () => {
    const p = alice.page;
    await p.goto('/');
    await p.waitForURL(/\/signin/);
    await alice.shot('01-signin');
    await signIn(p, 'alice', STRONG);
    await p.getByRole('heading', { name: 'No hosts yet' }).waitFor();
    await alice.shot('02-dashboard-empty');

    await p.getByRole('link', { name: /alice/ }).click();
    await p.getByRole('button', { name: 'Set up an authenticator' }).click();
    const qr = p.getByRole('img', { name: 'QR code for your authenticator app' });
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
    await p.getByText("Can't scan? Enter the key by hand").click();
    mfaSecret = (await p.getByTestId('mfa-secret').textContent()) ?? '';
    expect(mfaSecret).toMatch(/^[A-Z2-7]{32}$/);
    await alice.shot('03-profile-mfa-qr');
    await p.getByLabel('Code from the app').fill(await hotp(base32Decode(mfaSecret), stepAt(Date.now())));
    await p.getByRole('button', { name: 'Turn on' }).click();
    await expect.poll(() => p.getByTestId('recovery-codes').locator('li').count()).toBe(10);
    await alice.shot('04-profile-recovery-codes');

    await p.getByRole('button', { name: 'Sign out' }).click();
    await p.waitForURL(/\/signin/);
    await p.getByLabel('Username').fill('alice');
    await p.getByLabel('Password').fill(STRONG);
    await p.getByRole('button', { name: 'Sign in' }).click();
    const code = p.getByLabel('Authentication code');
    await code.waitFor();
    await alice.shot('05-signin-totp');
    // The enrolment used this step's code and codes are single use: the next step's is within the window.
    await code.fill('000000');
    await p.getByRole('button', { name: 'Verify' }).click();
    await p.getByText('That code was not accepted').waitFor();
    await code.fill(await hotp(base32Decode(mfaSecret), stepAt(Date.now()) + 1));
    await p.getByRole('button', { name: 'Verify' }).click();
    await p.getByRole('navigation', { name: 'Main' }).waitFor();
    const me = await api<{ mfa_enabled: boolean; username: string }>('/api/v1/auth/me');
    expect(me).toMatchObject({ username: 'alice', mfa_enabled: true });
  }, 240_000);

  it('adds a credential and a host, then scans it', async () => {
    const p = alice.page;
    await p.getByRole('link', { name: 'Hosts' }).click();
    await p.getByRole('link', { name: 'Add host' }).click();
    await p.getByLabel('Hostname').fill('web-1');
    await p.getByLabel('Address').fill(lax.address);
    await p.getByLabel('SSH port').fill(String(lax.port));
    await p.getByLabel('Tags').fill('pci web');
    await p.getByLabel('Credential name').fill('scanner');
    await p.getByLabel('SSH user').fill(lab.users.sudoNopasswd.name);
    await p.getByLabel('Private key (OpenSSH or PEM)').fill(lab.keys.clientKey);
    await alice.shot('06-add-host');
    await p.getByRole('button', { name: 'Add host' }).click();
    await p.waitForURL(/\/hosts\/[0-9a-f-]{36}/);
    hostId = /\/hosts\/([0-9a-f-]{36})/.exec(p.url())?.[1] ?? '';
    const creds = await api<{ items: Array<{ name: string; auth_method: string }> }>('/api/v1/credentials');
    expect(creds.items).toEqual([expect.objectContaining({ name: 'scanner', auth_method: 'key' })]);

    await scanAndWait();
    await p.getByTestId('host-score').filter({ hasText: '%' }).waitFor();
    await alice.shot('07-host-after-scan');
  }, 240_000);

  it("opens a failing rule's evidence and how to fix it", async () => {
    const p = alice.page;
    await p.getByRole('link', { name: 'Ensure SSH root login is disabled' }).click();
    const ev = p.getByTestId('evidence');
    await ev.waitFor();
    await expect.poll(() => ev.getByTestId('observed').first().textContent()).toBe('yes');
    expect(await ev.getByTestId('expected').first().textContent()).toContain('no');
    expect(await ev.getByTestId('source').first().textContent()).not.toBe('');
    await expect.poll(() => ev.getByTestId('remediation').textContent()).toContain('PermitRootLogin no');
    expect(await ev.getByRole('heading', { name: 'Rationale' }).count()).toBe(1);
    await alice.shot('08-evidence');
  }, 240_000);

  it('takes an exception requested by one user and approved by another, and the score moves', async () => {
    const p = alice.page;
    const before = await api<{ score: number; score_with_exceptions: number }>('/api/v1/posture');
    expect(before.score_with_exceptions).toBe(before.score);
    await p
      .getByLabel('Reason')
      .fill('Break-glass root access on this bastion; compensated by MFA on the jump host.');
    await p.getByRole('button', { name: 'Request exception' }).click();
    await p.getByText('Exception requested').waitFor();

    // alice cannot approve her own request; the console does not offer it.
    await p.getByRole('link', { name: 'Exceptions' }).click();
    const row = p.locator('tr[data-exception]');
    await row.getByText('Awaiting another approver').waitFor();
    expect(await row.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await alice.shot('09-exceptions-own-request');

    const bob = await openConsole(browser, server.base, 'bob');
    await signIn(bob.page, 'bob', STRONG);
    await bob.page.getByRole('link', { name: 'Exceptions' }).click();
    await bob.page.locator('tr[data-exception]').getByRole('button', { name: 'Approve' }).click();
    await bob.page.getByText('No requested exceptions').waitFor();
    await bob.shot('10-exceptions-approved');
    await bob.context.close();

    const after = await api<{ score: number; score_with_exceptions: number }>('/api/v1/posture');
    expect(after.score_with_exceptions).toBeGreaterThan(before.score_with_exceptions);
    await p.getByRole('link', { name: 'Dashboard' }).click();
    await expect
      .poll(() => p.getByTestId('fleet-score-exceptions').textContent())
      .toBe(`${(after.score_with_exceptions * 100).toFixed(1)}%`);
    expect(await p.getByTestId('fleet-score').textContent()).toBe(`${(after.score * 100).toFixed(1)}%`);
    await alice.shot('11-dashboard-with-exception');
  }, 240_000);

  it("after the host's sshd config changes and a rescan, shows exactly the changed rules", async () => {
    const p = alice.page;
    between = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 1100));
    await api(`/api/v1/hosts/${hostId}`, { method: 'PATCH', body: { port: hardened.port } });
    await p.goto(`/hosts/${hostId}`);
    await scanAndWait();

    type Results = { results: Array<{ rule_id: string; status: string }> };
    const [first, second] = [
      await api<Results>(`/api/v1/scans/${scanIds[0]}/results`),
      await api<Results>(`/api/v1/scans/${scanIds[1]}/results`),
    ];
    const was = new Map(first.results.map((r) => [r.rule_id, r.status]));
    // Posture, its changes and the timeline count the rules of the host's effective profile (its OS
    // default once discovery knows the OS): the changes the page shows are the scans' changes among those.
    const { effective } = await api<{ effective: { profile_id: string | null } }>(
      `/api/v1/hosts/${hostId}/profile`,
    );
    const inProfile = effective.profile_id
      ? new Set(
          (
            await api<{ rules: Array<{ rule_id: string }> }>(`/api/v1/profiles/${effective.profile_id}`)
          ).rules.map((r) => r.rule_id),
        )
      : undefined;
    const changed = second.results
      .filter((r) => {
        const old = was.get(r.rule_id);
        return old !== undefined && old !== r.status && (old === 'fail' || r.status === 'fail');
      })
      .map((r) => r.rule_id)
      .filter((id) => inProfile?.has(id) ?? true)
      .sort();
    expect(changed).toContain('sshd_disable_root_login');
    expect(changed.length).toBeLessThan(20);

    const timeline = p.getByTestId('timeline');
    await expect.poll(async () => ruleIds(timeline.locator('li'))).toEqual(changed);
    await alice.shot('12-host-after-rescan');

    await p.getByRole('link', { name: 'Dashboard' }).click();
    const recent = p.locator('.changes li');
    await expect.poll(async () => ruleIds(recent)).toEqual(changed);
    await alice.shot('13-dashboard-recent-changes');
  }, 240_000);

  it('picks a time between the two scans and shows the first scan’s posture', async () => {
    const p = alice.page;
    const then = await api<{ score: number; counts: { pass: number; fail: number } }>(
      `/api/v1/posture?host_id=${hostId}&at=${encodeURIComponent(between)}`,
    );
    const now = await api<{ score: number }>(`/api/v1/posture?host_id=${hostId}`);
    expect(then.score).not.toBe(now.score);
    await p.goto(`/hosts/${hostId}`);
    await p
      .getByTestId('host-score')
      .filter({ hasText: `${(now.score * 100).toFixed(1)}%` })
      .waitFor();
    // datetime-local takes the browser's local time; the page turns it back into the instant.
    const offsetMin = await p.evaluate((iso) => new Date(iso).getTimezoneOffset(), between);
    const local = new Date(new Date(between).getTime() - offsetMin * 60_000).toISOString().slice(0, 19);
    await p.getByLabel('Show posture at').fill(local);
    await p.getByRole('heading', { name: /^Posture at / }).waitFor();
    await expect
      .poll(() => p.getByTestId('host-score').textContent())
      .toBe(`${(then.score * 100).toFixed(1)}%`);
    expect(await p.getByTestId('host-counts').locator('.c-fail').textContent()).toBe(
      String(then.counts.fail),
    );
    await alice.shot('14-host-posture-at-time');
  }, 240_000);

  it('renders every other page, with the scan diff and exports', async () => {
    const p = alice.page;
    await p.goto(`/hosts/${hostId}`);
    const boxes = p.getByRole('checkbox', { name: /Compare scan/ });
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await p
      .getByTestId('scan-diff')
      .getByText(/rules? changed/)
      .waitFor();
    await alice.shot('15-host-scan-diff');
    for (const [path, name, ready] of [
      ['/hosts', '16-hosts', 'web-1'],
      ['/scans', '17-scans', 'web-1'],
      [`/scans/${scanIds[1]}`, '18-scan-detail', 'Export OSCAL'],
      ['/rules?rule=sshd_disable_root_login', '19-rules', 'Failing hosts'],
      ['/exceptions', '20-exceptions', 'Requested'],
      ['/admin/users', '21-users', 'vera'],
      ['/admin/credentials', '22-credentials', 'scanner'],
      ['/admin/audit', '23-audit', 'auth.login'],
      ['/profile', '24-profile', 'API tokens'],
    ] as const) {
      await p.goto(path);
      await p.getByText(ready).first().waitFor();
      await alice.shot(name);
    }
    const csp = alice.errors.filter((e) => /Content Security Policy/i.test(e));
    expect(csp).toEqual([]);
  }, 240_000);

  it('offers a viewer no administrative action, and explains a 403', async () => {
    const vera = await openConsole(browser, server.base, 'vera');
    const p = vera.page;
    await signIn(p, 'vera', STRONG);
    expect(await p.getByRole('heading', { name: 'Administration' }).count()).toBe(0);
    await vera.shot('01-dashboard');
    await p.getByRole('link', { name: 'Hosts' }).click();
    await p.getByRole('link', { name: 'web-1' }).waitFor();
    expect(await p.getByRole('link', { name: 'Add host' }).count()).toBe(0);
    expect(await p.getByRole('checkbox').count()).toBe(0);
    await p.getByRole('link', { name: 'web-1' }).click();
    await p.getByTestId('host-score').filter({ hasText: '%' }).waitFor();
    expect(await p.getByRole('button', { name: 'Scan now' }).count()).toBe(0);
    await p
      .getByRole('navigation', { name: 'Filter results by status' })
      .getByRole('link', { name: /^All/ })
      .click();
    await p.locator('table.results').getByRole('link', { name: 'Ensure SSH root login is disabled' }).click();
    await p.getByTestId('remediation').waitFor();
    expect(await p.getByRole('button', { name: 'Request exception' }).count()).toBe(0);
    expect(await p.getByRole('button', { name: /Approve|Reject/ }).count()).toBe(0);
    await vera.shot('02-host');
    await p.goto('/admin/users');
    await p.getByText('Not permitted').waitFor();
    await p.getByText('Ask an administrator for the permission').waitFor();
    await vera.shot('03-forbidden');
    await vera.context.close();
  }, 240_000);
});

import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeServe, type ApiTarget } from '../helpers/api-servers.ts';
import { STRONG } from '../helpers/auth.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { waitFor } from '../helpers/net.ts';

const LINK = /^First-run setup: https:\/\/127\.0\.0\.1:(\d+)\/setup#token=([A-Za-z0-9_-]{43})$/m;
const sha256 = (t: string) => createHash('sha256').update(t).digest('hex');

describe('first administrator through the one-time setup link (openwatch serve, production mode)', () => {
  let t: TestDatabase;
  let api: ApiTarget;
  let port: string;
  let cliEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    t = await createTestDatabase();
    api = await startNodeServe({ dsn: t.dsn });
    await waitFor(async () => (LINK.test(api.output()) ? true : undefined), 30_000, 'the setup link');
    port = LINK.exec(api.output())?.[1] ?? '';
    cliEnv = { OPENWATCH_DATABASE_DSN: t.dsn, OPENWATCH_SERVER_LISTEN: `127.0.0.1:${port}` };
  }, 90_000);
  afterAll(async () => {
    await api.stop();
    await t.drop();
  });

  const post = (body: unknown) =>
    api.fetch('/api/v1/setup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const admin = (token: string, username = 'first_admin', password = STRONG) =>
    post({ token, username, email: `${username}@example.test`, password });
  const rejections = async () =>
    (
      await t.db.query<{ reason: string }>(
        `select details->>'reason' as reason from audit_events where code = 'setup.token_rejected' order by id`,
      )
    ).rows.map((r) => r.reason);
  const mintWithCli = async (): Promise<string> => {
    const r = await runCli(['setup-link'], { env: cliEnv });
    expect(r.code, r.stderr).toBe(0);
    const token = LINK.exec(r.stdout)?.[2];
    if (!token) throw new Error(`no link in: ${r.stdout}`);
    return token;
  };

  it('prints one link at start, keeps only the hash, and refuses wrong, replaced and expired tokens', async () => {
    const printed = LINK.exec(api.output())?.[2] ?? '';
    expect(api.output().split(printed)).toHaveLength(2); // the token appears once: the link, no log line
    const stored = await t.db.query<{ token_hash: string }>('select token_hash from setup_tokens');
    expect(stored.rows).toEqual([{ token_hash: sha256(printed) }]);

    const status = await api.fetch('/api/v1/setup');
    expect(status.status).toBe(200);
    expect(await status.json()).toEqual({ setup_required: true });

    const wrong = await admin(randomBytes(32).toString('base64url'));
    expect(wrong.status).toBe(403);
    const body = (await wrong.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('setup_token_invalid');
    expect(body.error.message).toContain('openwatch setup-link');

    // A new link (the CLI, as for a lost link or a workerd deployment) invalidates the one printed.
    const second = await mintWithCli();
    expect((await admin(printed)).status).toBe(403);
    await t.db.query(
      `update setup_tokens set expires_at = now() - interval '1 second' where token_hash = $1`,
      [sha256(second)],
    );
    expect((await admin(second)).status).toBe(403);
    expect(await rejections()).toEqual(['mismatch', 'mismatch', 'expired']);
    const unused = await t.db.query<{ n: number }>(
      'select count(*)::int as n from setup_tokens where used_at is null and invalidated_at is null',
    );
    expect(unused.rows[0]?.n).toBe(1);
    expect(await api.fetch('/api/v1/setup').then((r) => r.json())).toEqual({ setup_required: true });
  });

  it('validates the body and applies the administrators’ password policy without spending the token', async () => {
    const token = await mintWithCli();
    const missing = await post({ token, username: 'first_admin', password: STRONG });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('validation_error');
    const extra = await post({ token, username: 'a1', email: 'a@example.test', password: STRONG, roles: [] });
    expect(extra.status).toBe(400);
    const weak = await admin(token, 'first_admin', 'short-one');
    expect(weak.status).toBe(422);
    expect(((await weak.json()) as { error: { code: string } }).error.code).toBe('weak_password');
    const live = await t.db.query('select 1 from setup_tokens where token_hash = $1 and used_at is null', [
      sha256(token),
    ]);
    expect(live.rows).toHaveLength(1);
  });

  it('creates exactly one administrator when two requests race with the same token, then is closed', async () => {
    const token = await mintWithCli();
    const [a, b] = await Promise.all([admin(token, 'racer_one'), admin(token, 'racer_two')]);
    const statuses = [a.status, b.status].sort();
    expect(statuses[0]).toBe(201);
    expect([403, 409]).toContain(statuses[1]);
    const winner = a.status === 201 ? a : b;
    const { user } = (await winner.json()) as { user: { username: string; roles: string[]; id: string } };
    expect(user.roles).toEqual(['admin']);
    const admins = await t.db.query<{ username: string }>(
      `select u.username from users u join user_roles r on r.user_id = u.id where r.role = 'admin'`,
    );
    expect(admins.rows).toEqual([{ username: user.username }]);
    const spent = await t.db.query<{ used_by: string }>(
      'select used_by from setup_tokens where token_hash = $1 and used_at is not null',
      [sha256(token)],
    );
    expect(spent.rows).toEqual([{ used_by: user.id }]);
    const created = await t.db.query<{ actor_id: string }>(
      `select actor_id from audit_events where code = 'setup.admin_created'`,
    );
    expect(created.rows).toEqual([{ actor_id: user.id }]);

    expect(await api.fetch('/api/v1/setup').then((r) => r.json())).toEqual({ setup_required: false });
    const again = await admin(token, 'late_comer');
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('setup_complete');

    const login = await api.fetch('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: user.username, password: STRONG }),
    });
    expect(login.status).toBe(200);

    const refused = await runCli(['setup-link'], { env: cliEnv });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('an administrator already exists');
    expect(refused.stdout).toBe('');
  }, 60_000);

  it('is rate-limited per client address like sign-in (identity.login_limit_per_ip, 20 per minute)', async () => {
    // Up to two windows' worth, so a window ending mid-loop cannot hide the limit.
    const statuses: number[] = [];
    let limited: Response | undefined;
    while (!limited && statuses.length < 42) {
      const res = await admin(randomBytes(32).toString('base64url'));
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    expect(limited?.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await limited?.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect(statuses.slice(0, -1).every((s) => s === 409)).toBe(true);
  });
});

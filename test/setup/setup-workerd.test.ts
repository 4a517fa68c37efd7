import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerd, type ApiTarget } from '../helpers/api-servers.ts';
import { STRONG } from '../helpers/auth.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

/** Workers print nothing at start: the link comes from `openwatch setup-link` against the same database. */
describe('first administrator on workerd, with the link from openwatch setup-link', () => {
  let t: TestDatabase;
  let api: ApiTarget;
  beforeAll(async () => {
    t = await createTestDatabase();
    api = await startWorkerd(t.dsn, { assets: false });
  }, 120_000);
  afterAll(async () => {
    await api.stop();
    await t.drop();
  });

  it('creates the administrator once from the CLI-minted token', async () => {
    const env = { OPENWATCH_DATABASE_DSN: t.dsn, OPENWATCH_SERVER_LISTEN: 'openwatch.example.net:443' };
    const minted = await runCli(['setup-link'], { env });
    expect(minted.code, minted.stderr).toBe(0);
    const token =
      /^First-run setup: https:\/\/openwatch\.example\.net:443\/setup#token=([A-Za-z0-9_-]{43})$/m.exec(
        minted.stdout,
      )?.[1];
    expect(token).toBeDefined();

    expect(await api.fetch('/api/v1/setup').then((r) => r.json())).toEqual({ setup_required: true });
    const post = (username: string) =>
      api.fetch('/api/v1/setup', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, username, email: `${username}@example.test`, password: STRONG }),
      });
    const created = await post('edge_admin');
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ user: { username: 'edge_admin', roles: ['admin'] } });
    expect((await post('second_try')).status).toBe(409);
    expect(await api.fetch('/api/v1/setup').then((r) => r.json())).toEqual({ setup_required: false });
  }, 60_000);
});

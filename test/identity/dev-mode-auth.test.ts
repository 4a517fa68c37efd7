import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, ROOT, runCli } from '../helpers/cli.ts';
import { fetcher, freePort, waitFor } from '../helpers/net.ts';
import { tempDir } from '../helpers/tmp.ts';
import { postgresFor } from '../helpers/processes.ts';

const PASSWORD = 'copper-kettle-winter-harbour-9';

describe('identity against `npm start` in development mode (embedded PostgreSQL)', () => {
  const dataDir = join(tempDir('ow-devauth'), 'data');
  chmodSync(join(dataDir, '..'), 0o755);
  let child: ChildProcess | undefined;
  let out = '';

  afterAll(async () => {
    if (child?.pid !== undefined && child.exitCode === null) {
      const exited = new Promise((r) => child?.once('exit', r));
      process.kill(-child.pid, 'SIGINT');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
    }
    for (const pid of postgresFor(join(dataDir, 'pgdata'))) process.kill(pid, 'SIGINT');
  });

  it('create-admin, sign-in, refresh and reuse, logout, tampered tokens, lockout, audit verify', async () => {
    const apiPort = await freePort();
    const env = {
      OPENWATCH_DATABASE_DATA_DIR: dataDir,
      OPENWATCH_DATABASE_EMBEDDED_PORT: String(await freePort()),
      OPENWATCH_SERVER_LISTEN: `127.0.0.1:${apiPort}`,
    };
    child = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      detached: true,
      env: { ...cleanEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(async () => (out.includes('listening on') ? true : undefined), 90_000, 'npm start');
    expect(out).toContain('development mode');

    const created = await runCli(['create-admin', '--username', 'ops', '--email', 'ops@example.test'], {
      env,
      input: `${PASSWORD}\n`,
    });
    expect(created.code, created.stderr).toBe(0);

    const api = fetcher(`https://127.0.0.1:${apiPort}`);
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      api(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const me = (token: string) => api('/api/v1/auth/me', { headers: { authorization: `Bearer ${token}` } });

    const login = await post('/api/v1/auth/login', { username: 'ops', password: PASSWORD });
    expect(login.status).toBe(200);
    const first = (await login.json()) as { access_token: string; refresh_token: string };
    expect(await (await me(first.access_token)).json()).toMatchObject({ username: 'ops', roles: ['admin'] });

    const refreshed = await post('/api/v1/auth/refresh', { refresh_token: first.refresh_token });
    expect(refreshed.status).toBe(200);
    const second = (await refreshed.json()) as { access_token: string; refresh_token: string };
    expect((await post('/api/v1/auth/refresh', { refresh_token: first.refresh_token })).status).toBe(401);
    expect((await me(second.access_token)).status).toBe(401);

    const third = (await (
      await post('/api/v1/auth/login', { username: 'ops', password: PASSWORD })
    ).json()) as {
      access_token: string;
    };
    const [h, p] = third.access_token.split('.') as [string, string];
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${p}.`;
    const altered = `${h}.${Buffer.from(JSON.stringify({ sub: 'x', sid: 'y' })).toString('base64url')}.${third.access_token.split('.')[2]}`;
    for (const bad of [none, altered]) expect((await me(bad)).status).toBe(401);
    expect(
      (await post('/api/v1/auth/logout', {}, { authorization: `Bearer ${third.access_token}` })).status,
    ).toBe(204);
    expect((await me(third.access_token)).status).toBe(401);

    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await post('/api/v1/auth/login', { username: 'ops', password: `wrong password ${i}` });
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);

    const verified = await runCli(['audit', 'verify'], { env });
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/^audit chain intact: \d+ events verified/);

    const pgPassword = readFileSync(join(dataDir, 'secrets/postgres.password'), 'utf8').trim();
    const client = new pg.Client(
      `postgres://postgres:${encodeURIComponent(pgPassword)}@127.0.0.1:${env.OPENWATCH_DATABASE_EMBEDDED_PORT}/openwatch`,
    );
    await client.connect();
    const codes = await client.query<{ id: string; code: string }>(
      'select id, code from audit_events order by id',
    );
    expect(codes.rows.map((r) => r.code)).toEqual(
      expect.arrayContaining([
        'user.created',
        'auth.login.succeeded',
        'auth.refresh.reused',
        'auth.logout',
        'auth.lockout',
      ]),
    );
    const target = codes.rows.find((r) => r.code === 'auth.lockout')?.id;
    await client.query('alter table audit_events disable trigger audit_events_no_update_delete');
    await client.query(`update audit_events set actor_name = 'someone else' where id = $1`, [target]);
    await client.query('alter table audit_events enable trigger audit_events_no_update_delete');
    await client.end();
    const broken = await runCli(['audit', 'verify'], { env });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(`audit chain BROKEN at event id ${target}:`);
  }, 180_000);
});

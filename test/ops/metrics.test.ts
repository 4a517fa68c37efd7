import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeServe, type ApiTarget } from '../helpers/api-servers.ts';
import { seedUser, STRONG } from '../helpers/auth.ts';
import { BIN, cleanEnv, ROOT, runCli } from '../helpers/cli.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { fetcher, freePort, waitFor } from '../helpers/net.ts';
import { SshLab, type SshdHost } from '../helpers/sshd.ts';
import { tempDir } from '../helpers/tmp.ts';

/** The value of one sample line (`name{labels} value`) in exposition text; 0 when absent. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('/metrics on serve (with its in-process runner) and on a runner', () => {
  let t: TestDatabase;
  let lab: SshLab;
  let host: SshdHost;
  let serve: ApiTarget;
  const token = randomBytes(24).toString('hex');
  let tokenFile: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    await seedUser(t.db, 'ops', ['admin']);
    lab = await SshLab.create();
    host = await lab.startHost();
    tokenFile = join(tempDir('ow-metrics'), 'token');
    writeFileSync(tokenFile, token + '\n', { mode: 0o600 });
    serve = await startNodeServe({ dsn: t.dsn, env: { OPENWATCH_METRICS_TOKEN_FILE: tokenFile } });
  }, 120_000);
  afterAll(async () => {
    await serve?.stop();
    await lab?.cleanup();
    await t?.drop();
  });

  const scrape = async () => {
    const res = await serve.fetch('/metrics', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    return res.text();
  };

  it('refuses a scrape without the token or with a wrong one', async () => {
    expect((await serve.fetch('/metrics')).status).toBe(401);
    const wrong = await serve.fetch('/metrics', { headers: { authorization: `Bearer ${token}x` } });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain('openwatch_');
  });

  it('moves the scan counters and the latency histogram by route template after a scan', async () => {
    const before = await scrape();
    const login = await serve.fetch('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ops', password: STRONG }),
    });
    const { access_token: access } = (await login.json()) as { access_token: string };
    const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const res = await serve.fetch(path, {
        method,
        headers: { authorization: `Bearer ${access}`, 'content-type': 'application/json' },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return (await res.json()) as T;
    };
    const cred = await api<{ id: string }>('POST', '/api/v1/credentials', {
      name: 'scanner',
      username: lab.users.sudoNopasswd.name,
      auth_method: 'key',
      private_key: lab.keys.clientKey,
    });
    const h = await api<{ id: string }>('POST', '/api/v1/hosts', {
      hostname: 'metrics-1',
      address: host.address,
      port: host.port,
      credential_id: cred.id,
      host_key_policy: 'tofu',
    });
    const scan = await api<{ id: string }>('POST', `/api/v1/hosts/${h.id}/scans`, {});
    await waitFor(
      async () => {
        const s = await api<{ status: string }>('GET', `/api/v1/scans/${scan.id}`);
        return s.status === 'completed' ? s : undefined;
      },
      90_000,
      'the scan to complete',
    );
    const after = await scrape();

    const done = 'openwatch_scans_finished_total{outcome="completed"}';
    expect(sample(after, done) - sample(before, done)).toBe(1);
    expect(sample(after, 'openwatch_scan_duration_seconds_count{outcome="completed"}')).toBe(1);
    const scans = 'openwatch_http_request_duration_seconds_count{method="GET",route="/api/v1/scans/:id"}';
    expect(sample(after, scans)).toBeGreaterThan(sample(before, scans));
    expect(
      sample(
        after,
        'openwatch_http_requests_total{method="POST",route="/api/v1/hosts/:id/scans",status="202"}',
      ),
    ).toBe(1);
    // Route templates, never raw paths: no id ever becomes a label value.
    expect(after).not.toContain(h.id);
    expect(after).not.toContain(scan.id);
    expect(sample(after, 'openwatch_hosts{liveness="unknown"}')).toBe(1);
    expect(sample(after, 'openwatch_db_up')).toBe(1);
    expect(sample(after, 'openwatch_jobs_queued{kind="scan"}')).toBe(0);
    expect(sample(after, 'openwatch_db_pool_connections{state="in_use"}')).toBeGreaterThanOrEqual(0);
    expect(sample(after, 'openwatch_tls_certificate_expiry_timestamp_seconds')).toBeGreaterThan(
      Date.now() / 1000,
    );
    expect(after).toMatch(/^process_cpu_user_seconds_total \d/m);
  }, 150_000);

  it('counts failed sign-ins and lockouts from the audit log', async () => {
    const before = await scrape();
    for (let i = 0; i < 2; i++) {
      await serve.fetch('/api/v1/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'ops', password: 'wrong-password-here' }),
      });
    }
    const after = await scrape();
    expect(
      sample(after, 'openwatch_login_failures_total') - sample(before, 'openwatch_login_failures_total'),
    ).toBe(2);
  });

  it('serves the runner’s metrics on its own address: loopback only without a token, refused beyond', async () => {
    const keyDir = tempDir('ow-metrics-key');
    writeFileSync(join(keyDir, 'key'), randomBytes(32).toString('base64'), { mode: 0o600 });
    const refused = await runCli(['runner', '--metrics-listen', '0.0.0.0:19464'], {
      env: { OPENWATCH_DATABASE_DSN: t.dsn, OPENWATCH_IDENTITY_CREDENTIAL_KEY_FILE: join(keyDir, 'key') },
    });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('need metrics.token_file');

    const port = await freePort();
    const child = spawn(process.execPath, [BIN, 'runner', '--metrics-listen', `127.0.0.1:${port}`], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...cleanEnv(),
        OPENWATCH_DATABASE_DSN: t.dsn,
        OPENWATCH_IDENTITY_CREDENTIAL_KEY_FILE: join(keyDir, 'key'),
      },
    });
    try {
      const f = fetcher(`http://127.0.0.1:${port}`);
      const res = await waitFor(async () => f('/metrics'), 60_000, 'the runner metrics listener');
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain('openwatch_jobs_oldest_queued_age_seconds{kind="scan"} 0');
      expect(sample(text, 'openwatch_hosts{liveness="unknown"}')).toBe(1);
      expect((await f('/other')).status).toBe(404);
    } finally {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }, 90_000);
});

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJob } from '../../core/db/sql/jobs.ts';
import { createLogger } from '../../core/log.ts';
import { writeSecretFile } from '../../core/node/files.ts';
import { nodeCredentialKeys } from '../../core/node/identity-runtime.ts';
import { newCredentialKey } from '../../core/node/keys.ts';
import type { JobLoop } from '../../runner/job-loop.ts';
import { startRunner } from '../../runner/start.ts';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { BIN, cleanEnv, ROOT } from '../helpers/cli.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { waitFor } from '../helpers/net.ts';
import { SshLab } from '../helpers/sshd.ts';
import { tempDir } from '../helpers/tmp.ts';

const LEASE_SECONDS = 3;

describe('a runner killed with SIGKILL mid-scan', () => {
  let t: TestDatabase;
  let app: TestApp;
  let token: string;
  let lab: SshLab;
  let keyFile: string;
  let child: ChildProcess | undefined;
  let survivor: JobLoop | undefined;

  beforeAll(async () => {
    t = await createTestDatabase();
    keyFile = join(tempDir('ow-kill'), 'credential.key');
    writeSecretFile(keyFile, newCredentialKey());
    app = testApp(t.db, {}, nodeCredentialKeys(keyFile));
    await seedUser(t.db, 'ops', ['admin']);
    token = (await loginAs(app, 'ops')).access_token;
    lab = await SshLab.create();
  }, 120_000);
  afterAll(async () => {
    child?.kill('SIGKILL');
    await survivor?.stop(5_000);
    await lab?.cleanup();
    await t?.drop();
  });

  const api = async <T>(method: string, path: string, body?: unknown) => {
    const res = await app.call(method, path, { token, ...(body !== undefined ? { body } : {}) });
    return { status: res.status, body: (await res.json()) as T };
  };

  it('leaves its job to another runner, which completes it without duplicate transactions', async () => {
    const host = await lab.startHost();
    const cred = await api<{ id: string }>('POST', '/api/v1/credentials', {
      name: 'scanner',
      username: lab.users.sudoNopasswd.name,
      auth_method: 'key',
      private_key: lab.keys.clientKey,
    });
    const h = await api<{ id: string }>('POST', '/api/v1/hosts', {
      hostname: 'db-1',
      address: host.address,
      port: host.port,
      credential_id: cred.body.id,
    });
    let out = '';
    child = spawn(
      process.execPath,
      [BIN, 'runner', '--lease', String(LEASE_SECONDS), '--poll-interval', '0.2'],
      {
        cwd: ROOT,
        env: {
          ...cleanEnv(),
          OPENWATCH_DATABASE_DSN: t.dsn,
          OPENWATCH_IDENTITY_CREDENTIAL_KEY_FILE: keyFile,
          OPENWATCH_LOGGING_LEVEL: 'debug',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(async () => (out.includes('runner started') ? true : undefined), 30_000, `runner: ${out}`);

    const scan = await api<{ id: string }>('POST', `/api/v1/hosts/${h.body.id}/scans`, {});
    expect(scan.status).toBe(202);
    // Mid-scan: the runner holds the job and the scan is running (the filesystem walk takes seconds).
    const running = await waitFor(
      async () => {
        const { rows } = await t.db.query<{ status: string; job_id: string; locked_by: string | null }>(
          `select s.status, s.job_id::text as job_id, j.locked_by from scans s join jobs j on j.id = s.job_id where s.id = $1`,
          [scan.body.id],
        );
        const r = rows[0];
        return r?.status === 'running' && r.locked_by ? r : undefined;
      },
      30_000,
      'the scan to be running',
    );
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGKILL');
    await new Promise((r) => child?.once('exit', r));
    expect((await api<{ status: string }>('GET', `/api/v1/scans/${scan.body.id}`)).body.status).toBe(
      'running',
    );

    survivor = await startRunner({
      db: t.db,
      dsn: t.dsn,
      keys: app.identity,
      log: createLogger({ level: 'error', format: 'json', write: () => undefined }),
      concurrency: 1,
      pollIntervalMs: 200,
      leaseSeconds: LEASE_SECONDS,
    });
    const done = await waitFor(
      async () => {
        const { body } = await api<{ status: string; counts: { total: number } | null }>(
          'GET',
          `/api/v1/scans/${scan.body.id}`,
        );
        return body.status === 'completed' ? body : undefined;
      },
      90_000,
      'another runner to complete the scan',
    );
    expect(done.counts?.total).toBeGreaterThan(300);
    // The scan row completes inside the job; the job itself is marked done a moment later.
    const job = await waitFor(
      async () => {
        const j = await getJob(t.db, running.job_id);
        return j && j.state !== 'running' ? j : undefined;
      },
      30_000,
      'the job to finish',
    );
    expect(job).toMatchObject({ state: 'succeeded', attempts: 2 });
    expect(job?.locked_by).toBeNull();
    const { rows } = await t.db.query<{ n: string; distinct_rules: string; results: string }>(
      `select count(*) as n, count(distinct (host_id, rule_id)) as distinct_rules,
              (select count(*) from scan_results where scan_id = $1) as results
         from transactions where scan_id = $1`,
      [scan.body.id],
    );
    expect(rows[0]?.n).toBe(rows[0]?.distinct_rules);
    expect(Number(rows[0]?.n)).toBe(Number(rows[0]?.results));
  }, 240_000);
});

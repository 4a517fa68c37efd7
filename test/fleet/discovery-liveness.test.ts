import { readFileSync } from 'node:fs';
import { release } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostById } from '../../core/db/sql/hosts.ts';
import { classify, decideLiveness, type LivenessRecord } from '../../core/fleet/liveness.ts';
import { createLogger } from '../../core/log.ts';
import { requestDiscovery, requestLiveness } from '../../core/scans/request.ts';
import { familyOf, parseOsRelease } from '../../engine/platform/os-release.ts';
import type { JobLoop } from '../../runner/job-loop.ts';
import { startRunner } from '../../runner/start.ts';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { waitFor } from '../helpers/net.ts';
import { SshLab, type SshdHost } from '../helpers/sshd.ts';

describe('liveness decision', () => {
  const all = { tcp: true, banner: true, auth: true, sudo: true };
  it('classifies how far a check got', () => {
    expect(classify(all)).toBe('online');
    expect(classify({ ...all, sudo: false })).toBe('degraded');
    expect(classify({ ...all, auth: false, sudo: false })).toBe('critical');
    expect(classify({ tcp: true, banner: false, auth: false, sudo: false })).toBe('down');
    expect(classify({ tcp: false, banner: false, auth: false, sudo: false })).toBe('down');
  });

  it('takes the first observation at once and later changes only after two identical ones', () => {
    const run = (start: LivenessRecord, seen: Parameters<typeof decideLiveness>[1][]) =>
      seen.reduce<LivenessRecord[]>((acc, o) => [...acc, decideLiveness(acc.at(-1) ?? start, o)], []);
    const fresh: LivenessRecord = { state: 'unknown', lastObserved: null };
    expect(decideLiveness(fresh, 'critical')).toEqual({
      state: 'critical',
      lastObserved: 'critical',
      changed: true,
    });
    const states = run(fresh, ['online', 'down', 'online', 'down', 'down', 'down', 'degraded', 'degraded']);
    expect(states.map((s) => s.state)).toEqual([
      'online',
      'online',
      'online',
      'online',
      'down',
      'down',
      'down',
      'degraded',
    ]);
    const online: LivenessRecord = { state: 'online', lastObserved: 'online' };
    expect(decideLiveness(online, 'online').changed).toBe(false);
    // Two different new observations in a row are not a confirmed change.
    expect(run(online, ['down', 'critical']).map((s) => s.state)).toEqual(['online', 'online']);
  });
});

describe('discovery, liveness and group scans through the runner against real sshd', () => {
  let t: TestDatabase;
  let app: TestApp;
  let token: string;
  let lab: SshLab;
  let sshd: SshdHost;
  let doomed: SshdHost;
  let runner: JobLoop;

  beforeAll(async () => {
    t = await createTestDatabase();
    app = testApp(t.db);
    await seedUser(t.db, 'ops', ['admin']);
    token = (await loginAs(app, 'ops')).access_token;
    lab = await SshLab.create();
    sshd = await lab.startHost();
    doomed = await lab.startHost();
    runner = await startRunner({
      db: t.db,
      dsn: t.dsn,
      keys: app.identity,
      log: createLogger({ level: 'error', format: 'json', write: () => undefined }),
      concurrency: 4,
      pollIntervalMs: 200,
    });
  }, 120_000);
  afterAll(async () => {
    await runner?.stop(5_000);
    await lab?.cleanup();
    await t?.drop();
  });

  const api = async <T>(method: string, path: string, body?: unknown) => {
    const res = await app.call(method, path, { token, ...(body !== undefined ? { body } : {}) });
    return { status: res.status, body: (await res.json()) as T };
  };
  const credential = async (name: string, body: Record<string, string>) => {
    const res = await api<{ id: string }>('POST', '/api/v1/credentials', { name, ...body });
    expect(res.status).toBe(201);
    return res.body.id;
  };
  const host = async (hostname: string, target: SshdHost, credentialId: string) => {
    const res = await api<{ id: string }>('POST', '/api/v1/hosts', {
      hostname,
      address: target.address,
      port: target.port,
      credential_id: credentialId,
      host_key_policy: 'tofu',
    });
    expect(res.status).toBe(201);
    return res.body.id;
  };
  const jobDone = (jobId: string) =>
    waitFor(
      async () => {
        const { rows } = await t.db.query<{ state: string }>('select state from jobs where id = $1', [jobId]);
        const state = rows[0]?.state;
        return state === 'succeeded' || state === 'failed' ? state : undefined;
      },
      60_000,
      `job ${jobId}`,
    );
  const check = async (hostId: string) => {
    const job = await requestLiveness(t.db, await app.identity.jobKey(), hostId);
    expect(job).toBeDefined();
    expect(await jobDone(job?.id ?? '')).toBe('succeeded');
    const { rows } = await t.db.query<{ liveness: string; liveness_detail: string | null }>(
      'select liveness, liveness_detail from hosts where id = $1',
      [hostId],
    );
    return rows[0];
  };
  let keyCred = '';
  let webId = '';

  it('discovers os-release, kernel, uptime and the package count in one job', async () => {
    keyCred = await credential('sudoer', {
      username: lab.users.sudoNopasswd.name,
      auth_method: 'key',
      private_key: lab.keys.clientKey,
    });
    webId = await host('web-1', sshd, keyCred);
    const jobKey = await app.identity.jobKey();
    const job = await requestDiscovery(t.db, jobKey, webId);
    expect(job?.concurrency_key).toBe(`discovery:${webId}`);
    expect(await requestDiscovery(t.db, jobKey, webId)).toBeUndefined();
    expect(await jobDone(job?.id ?? '')).toBe('succeeded');
    const h = await hostById(t.db, webId);
    const osRelease = parseOsRelease(readFileSync('/etc/os-release', 'utf8'));
    expect(h).toMatchObject({
      os_id: osRelease.ID,
      os_version: osRelease.VERSION_ID,
      os_name: osRelease.PRETTY_NAME,
      kernel: release(),
    });
    const family = familyOf(osRelease.ID ?? '', osRelease.ID_LIKE ?? '');
    expect(h?.os_family).toBe(family === 'unknown' ? null : family);
    expect(Number(h?.uptime_seconds)).toBeGreaterThan(0);
    expect(h?.package_count).toBeGreaterThan(10);
    expect(h?.discovered_at).toBeInstanceOf(Date);
  }, 90_000);

  it('maps TCP → banner → auth → sudo to online, degraded, critical and down, with hysteresis', async () => {
    expect(await check(webId)).toMatchObject({ liveness: 'online', liveness_detail: null });

    const noSudo = await credential('no-sudo', {
      username: lab.users.noSudo.name,
      auth_method: 'key',
      private_key: lab.keys.clientKey,
    });
    const degraded = await check(await host('web-2', sshd, noSudo));
    expect(degraded?.liveness).toBe('degraded');
    expect(degraded?.liveness_detail).toMatch(/^sudo_refused/);

    const wrong = await credential('wrong-password', {
      username: lab.users.sudoNopasswd.name,
      auth_method: 'password',
      password: 'not-the-password',
    });
    const critical = await check(await host('web-3', sshd, wrong));
    expect(critical?.liveness).toBe('critical');
    expect(critical?.liveness_detail).toMatch(/^auth_failed/);

    const doomedId = await host('web-4', doomed, keyCred);
    expect((await check(doomedId))?.liveness).toBe('online');
    await doomed.stop();
    // One failed check is not enough to call a host down; the second in a row is.
    expect(await check(doomedId)).toMatchObject({ liveness: 'online', liveness_detail: 'ECONNREFUSED' });
    expect((await check(doomedId))?.liveness).toBe('down');
    // A never-checked host takes its first observation as it is.
    const fresh = await host('web-5', doomed, keyCred);
    expect((await check(fresh))?.liveness).toBe('down');
  }, 120_000);

  it('queues a scan of every member of a group, skipping hosts in maintenance or already scanning', async () => {
    const resting = await host('db-1', sshd, keyCred);
    const busy = await host('db-2', sshd, keyCred);
    expect((await api('PATCH', `/api/v1/hosts/${resting}`, { maintenance: true })).status).toBe(200);
    const group = await api<{ id: string }>('POST', '/api/v1/groups', { name: 'databases' });
    expect(group.status).toBe(201);
    const put = await api('PUT', `/api/v1/groups/${group.body.id}/hosts`, {
      host_ids: [webId, resting, busy],
    });
    expect(put.status).toBe(200);
    const single = await api<{ id: string }>('POST', `/api/v1/hosts/${busy}/scans`, {});
    expect(single.status).toBe(202);

    const res = await api<{
      group_id: string;
      items: Array<{ host_id: string; scan_id?: string; status: string; reason?: string }>;
    }>('POST', `/api/v1/groups/${group.body.id}/scans`, {});
    expect(res.status).toBe(202);
    const byHost = new Map(res.body.items.map((i) => [i.host_id, i]));
    expect(res.body.items).toHaveLength(3);
    expect(byHost.get(resting)).toEqual({ host_id: resting, status: 'skipped', reason: 'in_maintenance' });
    expect(byHost.get(busy)).toEqual({ host_id: busy, status: 'skipped', reason: 'scan_in_progress' });
    const queued = byHost.get(webId);
    expect(queued).toMatchObject({ status: 'queued', scan_id: expect.any(String) });

    const done = await waitFor(
      async () => {
        const { body } = await api<{ status: string; source: string }>(
          'GET',
          `/api/v1/scans/${queued?.scan_id}`,
        );
        return ['completed', 'failed'].includes(body.status) ? body : undefined;
      },
      90_000,
      'the group scan',
    );
    expect(done).toMatchObject({ status: 'completed', source: 'group' });

    const audit = await api<{ items: Array<{ code: string; details: Record<string, unknown> }> }>(
      'GET',
      '/api/v1/audit/events?code=group.scans.requested',
    );
    expect(audit.body.items[0]?.details).toEqual({ queued: 1, skipped: 2 });
    expect((await api('POST', '/api/v1/groups/00000000-0000-4000-8000-000000000000/scans', {})).status).toBe(
      404,
    );
  }, 180_000);
});

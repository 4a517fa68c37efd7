import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJob } from '../../core/db/sql/jobs.ts';
import { compareDebVersions } from '../../core/intel/debversion.ts';
import { parsePorts } from '../../core/intel/sections.ts';
import { createLogger } from '../../core/log.ts';
import type { JobLoop } from '../../runner/job-loop.ts';
import { startRunner } from '../../runner/start.ts';
import { loginAs, seedUser, testApp, type TestApp } from '../helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { waitFor } from '../helpers/net.ts';
import { SshLab, type SshdHost } from '../helpers/sshd.ts';

/** A dpkg status database with these packages (name → version). */
function dpkgStatus(marker: string, packages: Record<string, string>): string {
  return Object.entries(packages)
    .map(([name, version]) =>
      [
        `Package: ${name}`,
        'Status: install ok installed',
        'Priority: optional',
        'Architecture: amd64',
        `Version: ${version}`,
        `Description: test package (${marker})`,
        '',
      ].join('\n'),
    )
    .join('\n');
}

/** The lab's copy of a file bind-mounted into a host, found by its content (writing it changes the host's view). */
function mountedCopy(labDir: string, content: string): string {
  for (const d of readdirSync(labDir).filter((n) => n.startsWith('etc-')))
    for (const f of readdirSync(join(labDir, d))) {
      const p = join(labDir, d, f);
      if (statSync(p).isFile() && readFileSync(p, 'utf8') === content) return p;
    }
  throw new Error('mounted file not found');
}

describe('host intelligence: one batched collection over SSH, write-on-change, diffs as events, fleet queries', () => {
  let t: TestDatabase;
  let app: TestApp;
  let token: string;
  let lab: SshLab;
  let runner: JobLoop;
  let listener: ChildProcess | undefined;
  const hosts: Record<string, { id: string; sshd: SshdHost; status: string }> = {};

  const api = async <T>(method: string, path: string, body?: unknown) => {
    const res = await app.call(method, path, { token, ...(body !== undefined ? { body } : {}) });
    return { status: res.status, body: (await res.json()) as T };
  };
  const SHARED_SECTIONS = new Set(['users', 'groups', 'services', 'mounts']);
  const collect = async (name: string): Promise<string[]> => {
    const h = hosts[name];
    if (!h) throw new Error(name);
    const { rows } = await t.db.query<{ id: string }>('select coalesce(max(id), 0)::text as id from events');
    const r = await api<{ job_id: string }>('POST', `/api/v1/hosts/${h.id}/intel/collect`);
    expect(r.status).toBe(202);
    await waitFor(
      async () => {
        const job = await getJob(t.db, r.body.job_id);
        if (job?.state === 'failed') throw new Error(`collection failed: ${job.last_error}`);
        return job?.state === 'succeeded' ? true : undefined;
      },
      60_000,
      `collection of ${name}`,
    );
    const ev = await t.db.query<{ kind: string; section: string | null }>(
      `select kind, data->>'section' as section from events
        where id > $1 and host_id = $2 and kind like 'intel.%' order by id`,
      [rows[0]?.id, h.id],
    );
    // The namespace hosts share this machine's /etc/passwd, /etc/group, services and mount table, which
    // other test files change while this one runs (their login users, units, /run/netns mounts): not ours.
    return ev.rows
      .filter((e) => !/^intel\.(user|group)_/.test(e.kind))
      .filter((e) => !(e.kind === 'intel.section_changed' && SHARED_SECTIONS.has(e.section ?? '')))
      .map((e) => e.kind);
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    app = testApp(t.db);
    await seedUser(t.db, 'ops', ['admin']);
    token = (await loginAs(app, 'ops')).access_token;
    lab = await SshLab.create();
    runner = await startRunner({
      db: t.db,
      dsn: t.dsn,
      keys: app.identity,
      log: createLogger({ level: 'warn', format: 'json', write: () => undefined }),
      concurrency: 2,
      pollIntervalMs: 200,
    });
    const cred = await api<{ id: string }>('POST', '/api/v1/credentials', {
      name: 'collector',
      username: lab.users.sudoNopasswd.name,
      auth_method: 'key',
      private_key: lab.keys.clientKey,
    });
    // Frozen account files: other test processes on this machine add and remove users meanwhile.
    const frozen = Object.fromEntries(
      ['/etc/passwd', '/etc/group', '/etc/shadow'].map((f) => [f, readFileSync(f, 'utf8')]),
    );
    const versions = { old: '3.0.11-1~deb12u2', new: '3.0.15-1~deb12u1' };
    for (const [name, openssl] of [
      ['intel-old', versions.old],
      ['intel-new', versions.new],
    ] as const) {
      const status = dpkgStatus(name, { openssl, libc6: '2.36-9+deb12u9', zlib1g: '1:1.2.13.dfsg-1' });
      const sshd = await lab.startHost({
        netns: true,
        etc: { files: { ...frozen, '/var/lib/dpkg/status': status } },
      });
      const h = await api<{ id: string }>('POST', '/api/v1/hosts', {
        hostname: name,
        address: sshd.address,
        port: sshd.port,
        credential_id: cred.body.id,
        host_key_policy: 'tofu',
      });
      expect(h.status).toBe(201);
      hosts[name] = { id: h.body.id, sshd, status };
    }
  }, 120_000);
  afterAll(async () => {
    listener?.kill('SIGKILL');
    await runner?.stop(5_000);
    await lab?.cleanup();
    await t?.drop();
  });

  it('orders versions exactly as dpkg --compare-versions does', () => {
    const versions = [
      '3.0.13',
      '3.0.13-1',
      '3.0.11-1~deb12u2',
      '3.0.11-1',
      '3.0.15-1~deb12u1',
      '1:0.9',
      '2.0',
      '1.0~rc1',
      '1.0',
      '1.0+b1',
      '1.0a',
      '1.0.0',
      '2.36-9+deb12u9',
      '1:1.2.13.dfsg-1',
      '0:1.2',
      '1.2-0',
    ];
    for (const a of versions)
      for (const b of versions) {
        const lt = spawnSync('dpkg', ['--compare-versions', a, 'lt', b]).status === 0;
        const eq = spawnSync('dpkg', ['--compare-versions', a, 'eq', b]).status === 0;
        const ours = compareDebVersions(a, b);
        expect([a, b, ours < 0, ours === 0]).toEqual([a, b, lt, eq]);
      }
  });

  it('parses ss listeners without pids, one item per socket', () => {
    expect(
      parsePorts(
        'tcp   LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:(("sshd",pid=812,fd=3))\n' +
          'tcp   LISTEN 0 128 [::]:22 [::]:* users:(("sshd",pid=812,fd=4))\n' +
          'udp   UNCONN 0 0 127.0.0.1:323 0.0.0.0:* users:(("chronyd",pid=9,fd=5),("chronyd",pid=9,fd=6))\n',
      ),
    ).toEqual([
      { proto: 'tcp', address: '0.0.0.0', port: 22, process: 'sshd' },
      { proto: 'tcp', address: '[::]', port: 22, process: 'sshd' },
      { proto: 'udp', address: '127.0.0.1', port: 323, process: 'chronyd' },
    ]);
  });

  it('a first collection is the baseline: everything stored, no event; the fleet package query uses Debian order', async () => {
    expect(await collect('intel-old')).toEqual([]);
    expect(await collect('intel-new')).toEqual([]);
    const id = hosts['intel-old']?.id ?? '';
    const intel = await api<{ sections: { section: string; items: Record<string, unknown>[] }[] }>(
      'GET',
      `/api/v1/hosts/${id}/intel`,
    );
    const section = (s: string) => intel.body.sections.find((x) => x.section === s)?.items ?? [];
    expect(section('packages')).toEqual(
      expect.arrayContaining([{ name: 'openssl', version: '3.0.11-1~deb12u2', arch: 'amd64' }]),
    );
    expect(section('users')).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'root', uid: 0, shell: expect.any(String) })]),
    );
    expect(section('ports')).toEqual(
      expect.arrayContaining([expect.objectContaining({ proto: 'tcp', port: 22, process: 'sshd' })]),
    );
    expect(section('interfaces').length).toBeGreaterThan(0);
    expect(section('routes').length).toBeGreaterThan(0);
    expect(section('mounts').length).toBeGreaterThan(0);
    expect(section('system')).toEqual([{ name: 'kernel', value: expect.stringMatching(/\S/) }]);
    expect(JSON.stringify(section('users'))).not.toMatch(/\$[0-9a-z]+\$/);

    const below = await api<{ items: { hostname: string; version: string }[] }>(
      'GET',
      '/api/v1/intel/packages?name=openssl&version_lt=3.0.13',
    );
    expect(below.body.items).toEqual([
      expect.objectContaining({ hostname: 'intel-old', version: '3.0.11-1~deb12u2' }),
    ]);
    const all = await api<{ items: { hostname: string }[] }>('GET', '/api/v1/intel/packages?name=openssl');
    expect(all.body.items.map((h) => h.hostname)).toEqual(['intel-new', 'intel-old']);
    // An unchanged host: nothing written but the time it was seen.
    expect(await collect('intel-old')).toEqual([]);
  }, 120_000);

  it('installing a package gives exactly one event on the next collection', async () => {
    const h = hosts['intel-old'];
    if (!h) throw new Error('host');
    const copy = mountedCopy(lab.dir, h.status);
    writeFileSync(copy, `${h.status}\n${dpkgStatus('telnetd', { telnetd: '0.17+2.4-2' })}`);
    expect(await collect('intel-old')).toEqual(['intel.package_added']);
    const ev = await t.db.query<{ data: unknown; link: string }>(
      `select data, link from events where kind = 'intel.package_added' and host_id = $1`,
      [h.id],
    );
    expect(ev.rows[0]?.data).toEqual({ name: 'telnetd', version: '0.17+2.4-2', arch: 'amd64' });
    const changes = await api<{ items: { section: string; added: unknown[] }[] }>(
      'GET',
      `/api/v1/hosts/${h.id}/intel/changes`,
    );
    expect(changes.body.items[0]).toMatchObject({ section: 'packages', added: [{ name: 'telnetd' }] });
  }, 60_000);

  it('opening a listening port gives exactly one event; the fleet port query finds the host', async () => {
    const h = hosts['intel-new'];
    if (!h?.sshd.netns) throw new Error('host');
    listener = spawn(
      'ip',
      [
        'netns',
        'exec',
        h.sshd.netns.name,
        process.execPath,
        '-e',
        "require('net').createServer().listen(2323, '0.0.0.0')",
      ],
      { stdio: 'ignore' },
    );
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await collect('intel-new')).toEqual(['intel.port_opened']);
    const ports = await api<{ items: { hostname: string; proto: string; process: string }[] }>(
      'GET',
      '/api/v1/intel/ports?port=2323',
    );
    expect(ports.body.items).toEqual([
      expect.objectContaining({ hostname: 'intel-new', proto: 'tcp', process: 'node' }),
    ]);
    expect((await api<{ items: unknown[] }>('GET', '/api/v1/intel/ports?port=2324')).body.items).toEqual([]);
  }, 60_000);
});

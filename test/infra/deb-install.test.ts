import { execFile, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRONG } from '../helpers/auth.ts';
import { ROOT } from '../helpers/cli.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { debian12Tarball, inChroot, spawnInChroot } from '../helpers/debian-root.ts';
import { fetcher, freePort, waitFor } from '../helpers/net.ts';
import { documentedCommands, NOT_RUN, runDocumented, type Instance } from './ops-commands.ts';
import { tempDir } from '../helpers/tmp.ts';

const exec = promisify(execFile);
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const DEB = join(ROOT, 'build', `openwatch_${VERSION}_all.deb`);
const AS_OPENWATCH = 'openwatch:openwatch';

/** KEY=VALUE lines of an EnvironmentFile, comments skipped. */
function envFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m?.[1]) out[m[1]] = m[2] ?? '';
  }
  return out;
}

/**
 * A `nodejs` package of this machine's Node (≥ 20.19) with /usr/bin/node, as NodeSource's nodejs 20.x
 * package lays it out: the chroot has no route to that repository, and Debian 12's own nodejs is 18.
 */
async function nodejsDeb(out: string): Promise<void> {
  const stage = tempDir('ow-nodejs-deb');
  const arch = (await exec('dpkg', ['--print-architecture'])).stdout.trim();
  mkdirSync(join(stage, 'DEBIAN'));
  mkdirSync(join(stage, 'usr/bin'), { recursive: true });
  copyFileSync(process.execPath, join(stage, 'usr/bin/node'));
  chmodSync(join(stage, 'usr/bin/node'), 0o755);
  writeFileSync(
    join(stage, 'DEBIAN/control'),
    [
      'Package: nodejs',
      `Version: ${process.versions.node}-1test`,
      `Architecture: ${arch}`,
      'Maintainer: OpenWatch tests <tests@openwatch.invalid>',
      'Depends: libc6, libstdc++6, libgcc-s1',
      "Description: Node.js runtime (this machine's binary, for the install test)",
      '',
    ].join('\n'),
  );
  // Uncompressed: it only travels into the test's root.
  await exec('dpkg-deb', ['--root-owner-group', '-Znone', '--build', stage, out]);
  rmSync(stage, { recursive: true, force: true });
}

describe('the Debian package in a fresh Debian 12 root', () => {
  let root: string;
  let t: TestDatabase;
  let serve: ChildProcess | undefined;
  let unitEnv: Record<string, string>;
  const stopServe = (signal: NodeJS.Signals) => {
    try {
      if (serve?.pid !== undefined && serve.exitCode === null) process.kill(-serve.pid, signal);
    } catch {
      // already gone
    }
  };

  beforeAll(async () => {
    const nodeDeb = join(tempDir('ow-nodejs'), 'nodejs.deb');
    const [tarball] = await Promise.all([
      debian12Tarball(),
      exec(process.execPath, [join(ROOT, 'scripts', 'package.mjs')], {
        cwd: ROOT,
        maxBuffer: 64 * 1024 * 1024,
      }),
      nodejsDeb(nodeDeb),
    ]);
    root = tempDir('ow-deb-root');
    await exec('tar', ['-C', root, '-xf', tarball]);
    chmodSync(root, 0o755); // a root filesystem's / is traversable by every user
    copyFileSync(DEB, join(root, 'tmp/openwatch.deb'));
    copyFileSync(nodeDeb, join(root, 'tmp/nodejs.deb'));
    t = await createTestDatabase({ migrated: false });
  }, 600_000);
  afterAll(async () => {
    stopServe('SIGKILL');
    await t?.drop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('ships SHA256SUMS beside the .deb', async () => {
    const sums = readFileSync(join(ROOT, 'build', 'SHA256SUMS'), 'utf8');
    const { stdout } = await exec('sha256sum', [DEB]);
    expect(sums).toBe(`${stdout.split(' ')[0]}  openwatch_${VERSION}_all.deb\n`);
  });

  it('depends on nodejs >= 20.19: refused without it, installed once a nodejs 20.x package is', async () => {
    const refused = await inChroot(root, ['dpkg', '-i', '/tmp/openwatch.deb']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('openwatch depends on nodejs (>= 20.19); however:');
    expect(refused.stderr).toContain('Package nodejs is not installed.');
    const node = await inChroot(root, ['dpkg', '-i', '/tmp/nodejs.deb']);
    expect(node.code, node.stderr).toBe(0);
    expect((await inChroot(root, ['/usr/bin/node', '--version'])).stdout.trim()).toBe(process.version);
  }, 120_000);

  it('installs: user, /etc/openwatch with generated keys and TLS pair, secrets.env 0640 root:openwatch', async () => {
    const installed = await inChroot(root, ['dpkg', '-i', '/tmp/openwatch.deb']);
    expect(installed.stderr).not.toMatch(/error/i);
    expect(installed.code).toBe(0);
    expect((await inChroot(root, ['getent', 'passwd', 'openwatch'])).stdout).toMatch(/^openwatch:x:\d+:\d+:/);
    const st = await inChroot(root, [
      'stat',
      '-c',
      '%n %a %U:%G',
      '/etc/openwatch/secrets.env',
      '/etc/openwatch/keys',
      '/etc/openwatch/keys/jwt-signing-key.pem',
      '/etc/openwatch/keys/credential.key',
      '/etc/openwatch/keys/tls.crt',
      '/etc/openwatch/keys/tls.key',
      '/etc/openwatch/openwatch.toml',
      '/usr/bin/openwatch',
      '/lib/systemd/system/openwatch.service',
    ]);
    expect(st.stdout.trim().split('\n')).toEqual([
      '/etc/openwatch/secrets.env 640 root:openwatch',
      '/etc/openwatch/keys 700 openwatch:openwatch',
      '/etc/openwatch/keys/jwt-signing-key.pem 600 openwatch:openwatch',
      '/etc/openwatch/keys/credential.key 600 openwatch:openwatch',
      '/etc/openwatch/keys/tls.crt 600 openwatch:openwatch',
      '/etc/openwatch/keys/tls.key 600 openwatch:openwatch',
      '/etc/openwatch/openwatch.toml 644 root:root',
      '/usr/bin/openwatch 755 root:root',
      '/lib/systemd/system/openwatch.service 644 root:root',
    ]);
    expect(readFileSync(join(root, 'etc/openwatch/openwatch.toml'), 'utf8')).toMatch(
      /^# OpenWatch configuration/,
    );
  }, 120_000);

  it('check-config, migrate and create-admin work as the openwatch user', async () => {
    const port = await freePort();
    // What the operator does after installing: the DSN into secrets.env, a listen address into the config.
    writeFileSync(join(root, 'etc/openwatch/secrets.env'), `OPENWATCH_DATABASE_DSN=${t.dsn}\n`);
    const toml = join(root, 'etc/openwatch/openwatch.toml');
    writeFileSync(
      toml,
      readFileSync(toml, 'utf8').replace('listen = "0.0.0.0:8443"', `listen = "127.0.0.1:${port}"`),
    );
    const unit = readFileSync(join(root, 'lib/systemd/system/openwatch.service'), 'utf8');
    unitEnv = {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      ...Object.fromEntries(
        [...unit.matchAll(/^Environment=(\w+)=(.*)$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']),
      ),
      ...envFile(readFileSync(join(root, 'etc/openwatch/secrets.env'), 'utf8')),
    };
    const o = { user: AS_OPENWATCH, env: unitEnv };
    const check = await inChroot(
      root,
      ['/usr/bin/openwatch', 'check-config', '--config', '/etc/openwatch/openwatch.toml'],
      o,
    );
    expect(check.stderr).toBe('configuration is valid (file: /etc/openwatch/openwatch.toml)\n');
    expect(check.code).toBe(0);
    expect(check.stdout).toContain(`127.0.0.1:${port}`);
    expect(check.stdout).not.toContain(new URL(t.dsn).password || 'no-password-in-test-dsn');
    const migrate = await inChroot(root, ['/usr/bin/openwatch', 'migrate'], o);
    expect(migrate.code, migrate.stderr).toBe(0);
    expect(migrate.stdout).toContain('applied 0001_settings');
    const admin = await inChroot(
      root,
      ['/usr/bin/openwatch', 'create-admin', '--username', 'admin', '--email', 'admin@example.test'],
      { ...o, input: `${STRONG}\n` },
    );
    expect(admin.code, admin.stderr).toBe(0);
  }, 120_000);

  it('serve, started with the unit’s ExecStart, user and environment, answers health 200 over TLS', async () => {
    const unit = readFileSync(join(root, 'lib/systemd/system/openwatch.service'), 'utf8');
    const execStart = /^ExecStart=(.*)$/m.exec(unit)?.[1]?.split(' ') ?? [];
    const user = /^User=(.*)$/m.exec(unit)?.[1];
    expect(user).toBe('openwatch');
    serve = spawnInChroot(root, execStart, { user: `${user}:${user}`, env: unitEnv });
    let out = '';
    serve.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const port = /listen = "127\.0\.0\.1:(\d+)"/.exec(
      readFileSync(join(root, 'etc/openwatch/openwatch.toml'), 'utf8'),
    )?.[1];
    const f = fetcher(`https://127.0.0.1:${port}`);
    const res = await waitFor(
      async () => {
        const r = await f('/api/v1/health');
        return r.status === 200 ? r : undefined;
      },
      60_000,
      `serve in the chroot: ${out}`,
    );
    expect(await res.json()).toMatchObject({ status: 'healthy', db_connected: true });
    const login = await f('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: STRONG }),
    });
    expect(login.status).toBe(200);
    const ps = await inChroot(root, ['sh', '-c', 'ps -eo user:20,args 2>/dev/null || true']);
    if (ps.stdout)
      expect(ps.stdout).toMatch(/openwatch\s+\S*node \/usr\/lib\/openwatch\/bin\/openwatch\.js serve/);
    const exited = new Promise((r) => serve?.once('exit', r));
    stopServe('SIGTERM');
    await exited;
    serve = undefined;
  }, 120_000);

  it('passes the security checklist drill, which fails when a key file is loosened', async () => {
    copyFileSync(join(ROOT, 'infra/drills/security-checklist.sh'), join(root, 'tmp/security-checklist.sh'));
    const o = { user: AS_OPENWATCH, env: unitEnv };
    const pass = await inChroot(root, ['sh', '/tmp/security-checklist.sh'], o);
    expect(pass.stdout.match(/^ok: /gm)).toHaveLength(6);
    expect(pass.code, pass.stdout).toBe(0);
    chmodSync(join(root, 'etc/openwatch/keys/credential.key'), 0o640);
    const fail = await inChroot(root, ['sh', '/tmp/security-checklist.sh'], o);
    expect(fail.stdout).toContain('FAILED: key files readable by the service user only');
    expect(fail.code).toBe(1);
    chmodSync(join(root, 'etc/openwatch/keys/credential.key'), 0o600);
  }, 120_000);

  it('runs every command of docs/operations against the installed instance', async () => {
    const drillDb = await createTestDatabase({ migrated: false });
    const emptyDb = await createTestDatabase({ migrated: false });
    const procs = new Map<string, { child: ChildProcess; output: string }>();
    const port = Number(
      /listen = "127\.0\.0\.1:(\d+)"/.exec(
        readFileSync(join(root, 'etc/openwatch/openwatch.toml'), 'utf8'),
      )?.[1],
    );
    const f = fetcher(`https://127.0.0.1:${port}`);
    const unitFile = (unit: string) => readFileSync(join(root, 'lib/systemd/system', unit), 'utf8');
    /** What systemd gives the unit's process: its Environment= lines and EnvironmentFile=, nothing else. */
    const envOf = (unit: string): Record<string, string> => ({
      PATH: '/usr/local/bin:/usr/bin:/bin',
      ...Object.fromEntries(
        [...unitFile(unit).matchAll(/^Environment=(\w+)=(.*)$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']),
      ),
      ...envFile(readFileSync(join(root, 'etc/openwatch/secrets.env'), 'utf8')),
    });
    const stop = async (unit: string) => {
      const p = procs.get(unit);
      if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
      const exited = new Promise((r) => p.child.once('exit', r));
      process.kill(-(p.child.pid ?? 0), 'SIGTERM');
      await exited;
    };
    const running = (unit: string) => {
      const p = procs.get(unit);
      return p !== undefined && p.child.exitCode === null && p.child.signalCode === null;
    };
    const start = async (unit: string) => {
      if (running(unit)) return;
      const execStart = /^ExecStart=(.*)$/m.exec(unitFile(unit))?.[1]?.split(' ') ?? [];
      const user = /^User=(.*)$/m.exec(unitFile(unit))?.[1] ?? 'root';
      const child = spawnInChroot(root, execStart, { user: `${user}:${user}`, env: envOf(unit) });
      const entry = { child, output: '' };
      child.stdout?.on('data', (d: Buffer) => (entry.output += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (entry.output += d.toString()));
      procs.set(unit, entry);
      if (unit === 'openwatch.service')
        await waitFor(
          async () => ((await f('/api/v1/health').catch(() => undefined))?.status === 200 ? true : undefined),
          60_000,
          `serve: ${entry.output}`,
        );
      else
        await waitFor(
          async () => (entry.output.includes('openwatch runner started') ? true : undefined),
          60_000,
          `${unit}: ${entry.output}`,
        );
      expect(running(unit), entry.output).toBe(true);
    };
    const instance: Instance = {
      root,
      port,
      emptyDsn: emptyDb.dsn,
      passphrase: 'ops-drill-passphrase',
      adminPassword: STRONG,
      journal: (unit) => procs.get(unit)?.output ?? '',
      async systemctl(verb, unit) {
        if (unit === 'postgresql') {
          // The database is another server here (as with an external PostgreSQL): it answers, or not.
          await drillDb.db.query('select 1');
          return 'postgresql: answers queries';
        }
        expect(existsSync(join(root, 'lib/systemd/system', unit)), unit).toBe(true);
        if (unit === 'openwatch-backup.timer') {
          // enable --now: the timer's service once, as systemd runs it (User=, LoadCredential=, ExecStart).
          const service = 'openwatch-backup.service';
          const cred = await inChroot(root, [
            'sh',
            '-c',
            'install -d -m 0700 -o openwatch /run/credentials/openwatch-backup.service && install -m 0400 -o openwatch /etc/openwatch/backup.passphrase /run/credentials/openwatch-backup.service/backup-passphrase',
          ]);
          expect(cred.code, cred.stderr).toBe(0);
          const execStart = /^ExecStart=(.*)$/m.exec(unitFile(service))?.[1] ?? '';
          const run = await inChroot(root, ['sh', '-c', execStart], {
            user: 'openwatch:openwatch',
            env: { ...envOf(service), CREDENTIALS_DIRECTORY: '/run/credentials/openwatch-backup.service' },
          });
          expect(run.code, run.stderr).toBe(0);
          return `${service}: ${run.stdout.trim()}`;
        }
        if (verb === 'stop') await stop(unit);
        else if (verb === 'restart') {
          await stop(unit);
          await start(unit);
        } else if (verb === 'status') {
          expect(running(unit), `${unit} should be running`).toBe(true);
          if (unit === 'openwatch.service') expect((await f('/health/live')).status).toBe(200);
        } else await start(unit);
        return `${unit}: ${running(unit) ? 'active (running)' : 'inactive (dead)'}`;
      },
    };
    try {
      // A deployment of its own: a new database, and no audit head anchored from the earlier one (serve
      // anchored database t's chain there above; verify would rightly call that a rewritten chain).
      writeFileSync(join(root, 'etc/openwatch/secrets.env'), `OPENWATCH_DATABASE_DSN=${drillDb.dsn}\n`);
      rmSync(join(root, 'var/lib/openwatch/audit-head.json'), { force: true });
      // tls.md installs a pair from the working directory: the operator's new certificate.
      const pair = await inChroot(root, [
        'sh',
        '-c',
        'cd /root && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 -subj /CN=drill.example -addext subjectAltName=IP:127.0.0.1 -keyout server.key -out server.crt 2>/dev/null',
      ]);
      expect(pair.code).toBe(0);
      const failures: string[] = [];
      const skipped: string[] = [];
      const outputs = new Map<string, string>();
      for (const { where, command } of documentedCommands()) {
        if (NOT_RUN.has(command)) {
          skipped.push(command);
          continue;
        }
        const r = await runDocumented(command, instance);
        outputs.set(command, r.output);
        if (r.code !== 0) failures.push(`${where}: ${command}${r.how ? ` (${r.how})` : ''}\n${r.output}`);
      }
      expect(failures).toEqual([]);
      expect(new Set(skipped)).toEqual(NOT_RUN);
      // What the commands printed is what the guides say they print.
      expect(outputs.get('curl -fsk https://127.0.0.1:8443/api/v1/health')).toContain('"db_connected":true');
      expect(outputs.get('curl -sk https://127.0.0.1:8443/health/ready')).toContain('"schema_version"');
      expect(outputs.get('openssl x509 -in /etc/openwatch/keys/tls.crt -noout -enddate')).toMatch(
        /^notAfter=/,
      );
      expect(outputs.get('curl -sk https://127.0.0.1:8443/metrics | grep openwatch_jobs_')).toMatch(
        /^openwatch_jobs_/m,
      );
      expect(outputs.get('openwatch audit verify')).toMatch(/^audit chain intact: /m);
      expect(outputs.get('openwatch migrate --status')).toMatch(/applied, 0 pending/);
      // What journald keeps of serve: the start-up line, then one JSON object per line.
      const journal = (outputs.get('journalctl -u openwatch.service -n 100 -o cat') ?? '').split('\n');
      expect(journal.some((l) => l.includes(' listening on https://'))).toBe(true);
      expect(journal.filter((l) => l.startsWith('{')).map((l) => typeof JSON.parse(l).msg)).toContain(
        'string',
      );
      // The certificate tls.md installed is the one serve presents now (reloaded without a restart).
      const served = await exec('sh', [
        '-c',
        `openssl s_client -connect 127.0.0.1:${port} </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256`,
      ]);
      const installed = await inChroot(root, [
        'openssl',
        'x509',
        '-in',
        '/root/server.crt',
        '-noout',
        '-fingerprint',
        '-sha256',
      ]);
      expect(served.stdout.trim()).toBe(installed.stdout.trim());
    } finally {
      for (const unit of procs.keys()) await stop(unit);
      writeFileSync(join(root, 'etc/openwatch/secrets.env'), `OPENWATCH_DATABASE_DSN=${t.dsn}\n`);
      await drillDb.drop();
      await emptyDb.drop();
    }
  }, 600_000);

  it('an upgrade keeps /etc/openwatch; dpkg -r leaves it; purge removes it', async () => {
    const keyBefore = readFileSync(join(root, 'etc/openwatch/keys/credential.key'), 'utf8');
    const tomlBefore = readFileSync(join(root, 'etc/openwatch/openwatch.toml'), 'utf8');
    const again = await inChroot(root, ['dpkg', '-i', '/tmp/openwatch.deb'], {
      env: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin', DEBIAN_FRONTEND: 'noninteractive' },
    });
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(join(root, 'etc/openwatch/keys/credential.key'), 'utf8')).toBe(keyBefore);
    expect(readFileSync(join(root, 'etc/openwatch/openwatch.toml'), 'utf8')).toBe(tomlBefore);

    expect((await inChroot(root, ['dpkg', '-r', 'openwatch'])).code).toBe(0);
    expect(existsSync(join(root, 'usr/lib/openwatch/bin/openwatch.js'))).toBe(false);
    expect(existsSync(join(root, 'etc/openwatch/openwatch.toml'))).toBe(true);
    expect(existsSync(join(root, 'etc/openwatch/keys/credential.key'))).toBe(true);
    expect((await inChroot(root, ['dpkg', '--purge', 'openwatch'])).code).toBe(0);
    expect(existsSync(join(root, 'etc/openwatch'))).toBe(false);
  }, 120_000);
});

import { execFile, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRONG } from '../helpers/auth.ts';
import { ROOT } from '../helpers/cli.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { debian12Tarball, inChroot, spawnInChroot } from '../helpers/debian-root.ts';
import { fetcher, freePort, waitFor } from '../helpers/net.ts';
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
    // Node >= 20.19 is "bring your own" on Debian 12 (its nodejs is 18): this machine's binary goes to
    // /usr/local/bin/node, the first place /usr/bin/openwatch looks.
    const [tarball] = await Promise.all([
      debian12Tarball(),
      exec(process.execPath, [join(ROOT, 'scripts', 'package.mjs')], {
        cwd: ROOT,
        maxBuffer: 64 * 1024 * 1024,
      }),
    ]);
    root = tempDir('ow-deb-root');
    await exec('tar', ['-C', root, '-xf', tarball]);
    chmodSync(root, 0o755); // a root filesystem's / is traversable by every user
    copyFileSync(process.execPath, join(root, 'usr/local/bin/node'));
    copyFileSync(DEB, join(root, 'tmp/openwatch.deb'));
    t = await createTestDatabase({ migrated: false });
  }, 280_000);
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

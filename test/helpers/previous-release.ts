import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedUser } from './auth.ts';
import { ROOT } from './cli.ts';
import type { TestDatabase } from './db.ts';
import { tempDir } from './tmp.ts';

/** The release before this one: the migrations as of commit 2cb49a1 (0001–0008). */
export const PREVIOUS_RELEASE = '2cb49a1';

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

/** Rows a release-0001–0008 installation holds: a user, a host, a finished job and scan, audit events. */
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

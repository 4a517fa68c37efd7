import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDevSecrets } from '../../core/node/dev-secrets.ts';
import { readMigrationFiles } from '../../core/node/migrate.ts';
import { SCHEMA_VERSION } from '../../core/db/schema-version.ts';
import { startNodeServe } from '../helpers/api-servers.ts';
import { runCli } from '../helpers/cli.ts';
import {
  populatePreviousRelease,
  PREVIOUS_SCHEMA_VERSION,
  previousReleaseBin,
  previousReleaseMigrations,
} from '../helpers/previous-release.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { tempDir } from '../helpers/tmp.ts';

const PREVIOUS_IDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 11];

const counts = async (t: TestDatabase) => {
  const { rows } = await t.db.query<Record<string, string>>(
    `select (select count(*) from users)::text as users, (select count(*) from hosts)::text as hosts,
            (select count(*) from jobs)::text as jobs, (select count(*) from scans)::text as scans,
            (select count(*) from audit_events)::text as audit`,
  );
  return rows[0];
};

/** The previous release's `serve` on this database answers ready, then stops. */
async function previousServesReady(dsn: string, bin: string): Promise<void> {
  const server = await startNodeServe({ dsn, bin });
  try {
    const res = await server.fetch('/health/ready');
    expect(res.status, server.output()).toBe(200);
  } finally {
    await server.stop();
  }
}

/**
 * The previous release's own code (its tree at PREVIOUS_RELEASE, built by its own build) and this one's,
 * on one database: previous installs and serves → pre-upgrade backup → this release migrates → the
 * previous binary refuses the newer schema → rollback by restoring the backup → the previous binary serves.
 */
describe('upgrade and rollback drill with the previous release’s binary', () => {
  let t: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let previous = '';
  let preUpgrade = '';
  let before: Record<string, string> | undefined;
  const backups = tempDir('ow-upgrade-backups');

  beforeAll(async () => {
    previous = previousReleaseBin();
    t = await createTestDatabase({ migrated: false });
    const dir = tempDir('ow-upgrade');
    const secrets = await ensureDevSecrets(dir);
    env = {
      OPENWATCH_AUDIT_HEAD_FILE: join(dir, 'audit-head.json'),
      OPENWATCH_DATABASE_DSN: t.dsn,
      OPENWATCH_SERVER_LISTEN: '127.0.0.1:1',
      OPENWATCH_SERVER_TLS_CERT: secrets.tlsCert,
      OPENWATCH_SERVER_TLS_KEY: secrets.tlsKey,
      OPENWATCH_IDENTITY_JWT_PRIVATE_KEY: secrets.jwtPrivateKey,
      OPENWATCH_IDENTITY_CREDENTIAL_KEY_FILE: secrets.credentialKeyFile,
      OPENWATCH_BACKUP_PASSPHRASE: 'upgrade-drill-passphrase',
    };
  }, 300_000);
  afterAll(async () => t?.drop());

  it('the previous release’s migrations are this release’s first files, unedited', () => {
    const prev = readMigrationFiles(previousReleaseMigrations());
    const current = new Map(readMigrationFiles().map((m) => [m.id, m.checksum]));
    expect(prev.map((m) => m.id)).toEqual(PREVIOUS_IDS);
    for (const m of prev) expect(current.get(m.id)).toBe(m.checksum);
  });

  it('upgrades a database the previous release installed and served', async () => {
    const installed = await runCli(['migrate'], { env, bin: previous });
    expect(installed.code, installed.stderr).toBe(0);
    await populatePreviousRelease(t);
    await previousServesReady(t.dsn, previous);

    const refused = await runCli(['serve'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `the database schema (version ${PREVIOUS_SCHEMA_VERSION}) is older than this binary (schema version ${SCHEMA_VERSION})`,
    );
    const runner = await runCli(['runner'], { env });
    expect(runner.code).toBe(1);
    expect(runner.stderr).toContain(`(version ${PREVIOUS_SCHEMA_VERSION}) is older than this binary`);

    // The pre-upgrade backup, taken by the installed (previous) release, twice keeping one (the timer's --keep).
    for (let i = 0; i < 2; i++) {
      const b = await runCli(['backup', '--dir', backups, '--keep', '1'], { env, bin: previous });
      expect(b.code, b.stderr).toBe(0);
    }
    const kept = readdirSync(backups);
    expect(kept).toHaveLength(1);
    preUpgrade = join(backups, kept[0] ?? '');
    before = await counts(t);

    const migrated = await runCli(['migrate'], { env });
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(migrated.stdout).toContain('applied 0012_alerts');
    expect(await counts(t)).toEqual(before);
    expect((await runCli(['audit', 'verify'], { env })).code).toBe(0);
    expect((await runCli(['migrate', '--status'], { env })).stdout).toContain('0 pending');
  }, 300_000);

  it('the previous binary refuses the upgraded (newer) schema, naming both versions', async () => {
    const newer = `the database schema (version ${SCHEMA_VERSION}) is newer than this binary (schema version ${PREVIOUS_SCHEMA_VERSION})`;
    const s = await runCli(['serve'], { env, bin: previous });
    expect(s.code).toBe(1);
    expect(s.stderr).toContain(newer);
    const m = await runCli(['migrate'], { env, bin: previous });
    expect(m.code).toBe(1);
    expect(m.stderr).toContain(newer);
    const r = await runCli(['runner'], { env, bin: previous });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(newer);
  }, 120_000);

  it('this binary refuses a schema newer than itself too', async () => {
    await t.db.query(
      `insert into openwatch_migrations (id, name, checksum) values (99, 'from_the_future', 'x')`,
    );
    try {
      const m = await runCli(['migrate'], { env });
      expect(m.code).toBe(1);
      expect(m.stderr).toContain(
        `the database schema (version 99) is newer than this binary (schema version ${SCHEMA_VERSION}): it has 0099_from_the_future`,
      );
      const s = await runCli(['serve'], { env });
      expect(s.code).toBe(1);
      expect(s.stderr).toContain('(version 99) is newer than this binary');
      const st = await runCli(['migrate', '--status'], { env });
      expect(st.code).toBe(1);
      expect(st.stdout).toContain('NEWER    0099_from_the_future');
    } finally {
      await t.db.query('delete from openwatch_migrations where id = 99');
    }
  }, 120_000);

  it('rollback in place: the previous binary restores its pre-upgrade backup over the upgraded database and serves', async () => {
    // As docs/operations/upgrade.md says: the previous package reinstalled, `restore --force --no-migrate`.
    const r = await runCli(
      [
        'restore',
        preUpgrade,
        '--force',
        '--no-migrate',
        '--overwrite-files',
        '--files-root',
        tempDir('ow-rollback'),
      ],
      { env, bin: previous },
    );
    expect(r.code, r.stderr).toBe(0);
    const ids = await t.db.query<{ id: number }>('select id from openwatch_migrations order by id');
    expect(ids.rows.map((x) => x.id)).toEqual(PREVIOUS_IDS);
    // As before the upgrade; the audit log also holds the backups' own events, so it is checked by its chain.
    const { audit: _a, ...now } = (await counts(t)) ?? {};
    const { audit: _b, ...then } = before ?? {};
    expect(now).toEqual(then);
    expect((await runCli(['audit', 'verify'], { env, bin: previous })).code).toBe(0);
    await previousServesReady(t.dsn, previous);
    // This (newer) binary will not serve the rolled-back schema.
    const s = await runCli(['serve'], { env });
    expect(s.code).toBe(1);
    expect(s.stderr).toContain(`(version ${PREVIOUS_SCHEMA_VERSION}) is older than this binary`);
  }, 300_000);
});

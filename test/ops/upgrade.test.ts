import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDevSecrets } from '../../core/node/dev-secrets.ts';
import { migrate, readMigrationFiles } from '../../core/node/migrate.ts';
import { SCHEMA_VERSION } from '../../core/db/schema-version.ts';
import { runCli } from '../helpers/cli.ts';
import { populatePreviousRelease, previousReleaseMigrations } from '../helpers/previous-release.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { tempDir } from '../helpers/tmp.ts';

const counts = async (t: TestDatabase) => {
  const { rows } = await t.db.query<Record<string, string>>(
    `select (select count(*) from users)::text as users, (select count(*) from hosts)::text as hosts,
            (select count(*) from jobs)::text as jobs, (select count(*) from scans)::text as scans,
            (select count(*) from audit_events)::text as audit`,
  );
  return rows[0];
};

describe('upgrade drill: previous release schema with data → refuse to serve → migrate → verify', () => {
  let t: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let preUpgrade = '';
  let before: Record<string, string> | undefined;
  const backups = tempDir('ow-upgrade-backups');

  beforeAll(async () => {
    t = await createTestDatabase({ migrated: false });
    const secrets = await ensureDevSecrets(tempDir('ow-upgrade'));
    env = {
      OPENWATCH_DATABASE_DSN: t.dsn,
      OPENWATCH_SERVER_LISTEN: '127.0.0.1:1',
      OPENWATCH_SERVER_TLS_CERT: secrets.tlsCert,
      OPENWATCH_SERVER_TLS_KEY: secrets.tlsKey,
      OPENWATCH_IDENTITY_JWT_PRIVATE_KEY: secrets.jwtPrivateKey,
      OPENWATCH_IDENTITY_CREDENTIAL_KEY_FILE: secrets.credentialKeyFile,
      OPENWATCH_BACKUP_PASSPHRASE: 'upgrade-drill-passphrase',
    };
  });
  afterAll(async () => t?.drop());

  it('the previous release’s migrations are this release’s first files, unedited', () => {
    const previous = readMigrationFiles(previousReleaseMigrations());
    const current = new Map(readMigrationFiles().map((m) => [m.id, m.checksum]));
    expect(previous.map((m) => m.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const m of previous) expect(current.get(m.id)).toBe(m.checksum);
  });

  it('upgrades a populated previous-release database', async () => {
    expect((await migrate(t.dsn, previousReleaseMigrations())).length).toBe(8);
    await populatePreviousRelease(t);

    const refused = await runCli(['serve'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `the database schema (version 8) is older than this binary (schema version ${SCHEMA_VERSION})`,
    );
    const runner = await runCli(['runner'], { env });
    expect(runner.code).toBe(1);
    expect(runner.stderr).toContain('(version 8) is older than this binary');

    // The pre-upgrade backup (twice, keeping one: the retention of the timer's --keep).
    for (let i = 0; i < 2; i++) {
      const b = await runCli(['backup', '--dir', backups, '--keep', '1'], { env });
      expect(b.code, b.stderr).toBe(0);
    }
    const kept = readdirSync(backups);
    expect(kept).toHaveLength(1);
    preUpgrade = join(backups, kept[0] ?? '');
    before = await counts(t);

    const migrated = await runCli(['migrate'], { env });
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toContain('applied 0011_housekeeping');
    expect(await counts(t)).toEqual(before);
    const verify = await runCli(['audit', 'verify'], { env });
    expect(verify.code).toBe(0);
    const status = await runCli(['migrate', '--status'], { env });
    expect(status.stdout).toContain('0 pending');
  }, 120_000);

  it('a binary older than the schema refuses to migrate or serve, naming both versions', async () => {
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

  it('rollback drill: the pre-upgrade backup restores the previous schema and data exactly', async () => {
    const fresh = await createTestDatabase({ migrated: false });
    try {
      const renv = { ...env, OPENWATCH_DATABASE_DSN: fresh.dsn };
      const r = await runCli(['restore', preUpgrade, '--no-migrate'], { env: renv });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('0 newer migrations applied');
      const ids = await fresh.db.query<{ id: number }>('select id from openwatch_migrations order by id');
      expect(ids.rows.map((x) => x.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      // Everything is as it was before the upgrade; the audit log holds its own later events too, so it
      // is checked by its chain below rather than by count.
      const { audit: _a, ...now } = (await counts(fresh)) ?? {};
      const { audit: _b, ...then } = before ?? {};
      expect(now).toEqual(then);
      // This (newer) binary will not serve the rolled-back schema: the previous release does.
      const s = await runCli(['serve'], { env: renv });
      expect(s.code).toBe(1);
      expect(s.stderr).toContain('(version 8) is older than this binary');
      const audited = await runCli(['audit', 'verify'], { env: renv });
      expect(audited.code).toBe(0);
    } finally {
      await fresh.drop();
    }
  }, 120_000);
});

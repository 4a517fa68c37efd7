import { resolve } from 'node:path';
import { audit, CLI_ACTOR } from '../../core/audit/append.ts';
import { poolDb } from '../../core/db/node-pool.ts';
import { createLogger } from '../../core/log.ts';
import { restoreBackup } from '../../core/node/backup/run.ts';
import { defineCommand, flag, stringOption, UsageError } from '../command.ts';
import { auditHeadFile, setAsideAnchorForRestore } from '../audit-anchor.ts';
import { configFromContext, configOptions } from '../config-options.ts';
import { resolveDatabase } from '../database.ts';
import { passphraseOption, readBackupPassphrase } from '../passphrase.ts';

export default defineCommand({
  usage: 'ARCHIVE [--force] [--no-migrate] [--files-root DIR] [--overwrite-files] [--passphrase-file FILE]',
  description:
    'Refuses a database that already holds tables unless --force (which drops its public schema first).\n' +
    "Recreates the archive's schema, loads every table, then migrates to this release. The config, keys,\n" +
    'secrets.env and TLS pair are written back at their recorded paths (under --files-root when given);\n' +
    'existing files are kept unless --overwrite-files. Stop openwatch first; it says what to start after.',
  options: [
    ...configOptions,
    passphraseOption,
    { name: 'force', type: 'boolean', description: 'Drop everything in a non-empty target database first' },
    { name: 'files-root', type: 'string', value: 'DIR', description: 'Write the restored files under DIR' },
    { name: 'overwrite-files', type: 'boolean', description: 'Replace files that already exist' },
    {
      name: 'no-migrate',
      type: 'boolean',
      description: "Keep the archive's schema version (rollback: the previous release then serves it)",
    },
  ],
  async run(ctx) {
    if (ctx.positionals.length !== 1) throw new UsageError('expected the archive to restore');
    const archive = resolve(ctx.positionals[0] ?? '');
    const loaded = configFromContext(ctx);
    const passphrase = await readBackupPassphrase(ctx, false);
    const log = createLogger({ ...loaded.config.logging, write: (l) => ctx.stderr.write(l + '\n') });
    const database = await resolveDatabase(loaded.config, log);
    try {
      const started = performance.now();
      const filesRoot = stringOption(ctx, 'files-root');
      const report = await restoreBackup(archive, database.dsn, passphrase, {
        force: flag(ctx, 'force'),
        ...(filesRoot !== undefined ? { filesRoot: resolve(filesRoot) } : {}),
        overwriteFiles: flag(ctx, 'overwrite-files'),
        noMigrate: flag(ctx, 'no-migrate'),
      });
      const anchor = setAsideAnchorForRestore(auditHeadFile(loaded.config));
      const db = poolDb(database.dsn, { max: 1, applicationName: 'openwatch-restore' });
      try {
        await audit(db, {
          code: 'system.backup.restored',
          actor: CLI_ACTOR,
          details: {
            archive,
            created_at: report.manifest.created_at,
            migrations_applied: report.upgraded,
            ...(anchor ?? {}),
          },
        });
      } finally {
        await db.close();
      }
      if (anchor)
        ctx.stdout.write(
          `audit anchor at event ${anchor.previous_anchor_id} (${anchor.previous_anchor_time}) kept as ${anchor.kept_at}; ` +
            'events after the backup are not in the restored database, and the restore event says so\n',
        );
      for (const m of report.mismatches) ctx.stdout.write(`MISMATCH ${m}\n`);
      for (const f of report.written) ctx.stdout.write(`restored file ${f}\n`);
      for (const f of report.skipped)
        ctx.stdout.write(`kept existing file ${f} (--overwrite-files replaces it)\n`);
      const rows = Object.values(report.counts).reduce((n, c) => n + c, 0);
      ctx.stdout.write(
        `restored ${archive} (made ${report.manifest.created_at}): ${rows} rows in ${report.manifest.tables.length} tables, ` +
          `${report.upgraded} newer migrations applied, in ${((performance.now() - started) / 1000).toFixed(1)} s\n` +
          'next: start openwatch (systemctl start openwatch.service openwatch-runner.service), then check ' +
          '`openwatch audit verify` and GET /health/ready\n',
      );
      return report.mismatches.length === 0 ? 0 : 1;
    } finally {
      if (database.embedded?.server.startedHere) await database.embedded.server.stop();
    }
  },
});

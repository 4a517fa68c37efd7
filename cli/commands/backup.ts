import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { audit, CLI_ACTOR } from '../../core/audit/append.ts';
import { poolDb } from '../../core/db/node-pool.ts';
import { createLogger } from '../../core/log.ts';
import { archiveName, pruneArchives } from '../../core/node/backup/archive.ts';
import { createBackup, verifyBackup } from '../../core/node/backup/run.ts';
import { effectiveFiles } from '../backup-config.ts';
import { defineCommand, stringOption, UsageError, type CommandContext } from '../command.ts';
import { configFromContext, configOptions } from '../config-options.ts';
import { resolveDatabase } from '../database.ts';
import { passphraseOption, readBackupPassphrase } from '../passphrase.ts';

function positiveInt(ctx: CommandContext, name: string): number | undefined {
  const v = stringOption(ctx, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 100_000)
    throw new UsageError(`--${name} expects a positive integer`);
  return n;
}

export default defineCommand({
  usage: '[--out FILE | --dir DIR [--keep N] [--keep-days D]] | verify ARCHIVE   [--passphrase-file FILE]',
  description:
    'The archive (.tar.gz, mode 0600) holds a consistent dump of the database (COPY of every table in one\n' +
    'REPEATABLE READ snapshot; no pg_dump needed), a manifest, and the config, secrets.env, JWT key,\n' +
    'credential keys, TLS pair and metrics token sealed with AES-256-GCM under a key derived (scrypt) from\n' +
    'the passphrase. The passphrase comes from --passphrase-file, $OPENWATCH_BACKUP_PASSPHRASE or a\n' +
    'no-echo prompt, never argv. `backup verify ARCHIVE` restores into a scratch database, compares row\n' +
    'counts per table and decrypts every stored credential with the archived key (docs/operations/backup.md).',
  options: [
    ...configOptions,
    passphraseOption,
    { name: 'out', type: 'string', value: 'FILE', description: 'Write the archive here' },
    { name: 'dir', type: 'string', value: 'DIR', description: 'Write a timestamped archive into DIR' },
    { name: 'keep', type: 'string', value: 'N', description: 'With --dir: keep the newest N archives' },
    {
      name: 'keep-days',
      type: 'string',
      value: 'D',
      description: 'With --dir: remove archives older than D days',
    },
  ],
  async run(ctx) {
    const loaded = configFromContext(ctx);
    const verify = ctx.positionals[0] === 'verify';
    if (verify ? ctx.positionals.length !== 2 : ctx.positionals.length !== 0)
      throw new UsageError('expected no argument, or `verify ARCHIVE`');
    const out = stringOption(ctx, 'out');
    const dir = stringOption(ctx, 'dir');
    const keep = positiveInt(ctx, 'keep');
    const keepDays = positiveInt(ctx, 'keep-days');
    if (!verify && (out === undefined) === (dir === undefined))
      throw new UsageError('give one of --out or --dir');
    if ((keep !== undefined || keepDays !== undefined) && dir === undefined)
      throw new UsageError('--keep and --keep-days apply to --dir');
    const passphrase = await readBackupPassphrase(ctx, !verify);
    const log = createLogger({ ...loaded.config.logging, write: (l) => ctx.stderr.write(l + '\n') });
    const database = await resolveDatabase(loaded.config, log);
    try {
      if (verify) {
        const archive = resolve(ctx.positionals[1] ?? '');
        const started = performance.now();
        const report = await verifyBackup(archive, database.dsn, passphrase);
        const tables = report.manifest.tables.length;
        const rows = report.manifest.tables.reduce((n, t) => n + t.rows, 0);
        for (const m of report.mismatches) ctx.stdout.write(`MISMATCH ${m}\n`);
        ctx.stdout.write(
          `${report.mismatches.length === 0 ? 'verified' : 'FAILED'}: ${archive}: ${tables} tables, ${rows} rows, ` +
            `schema version ${report.manifest.schema_version}, ${report.credentialsDecrypted} credentials decrypted ` +
            `(${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
        );
        return report.mismatches.length === 0 ? 0 : 1;
      }
      const now = new Date();
      let target = resolve(out ?? '');
      if (dir !== undefined) {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        target = resolve(join(dir, archiveName(now)));
      }
      const manifest = await createBackup({
        dsn: database.dsn,
        config: effectiveFiles(loaded.config, database),
        configFile: loaded.file,
        passphrase,
        out: target,
      });
      const rows = manifest.tables.reduce((n, t) => n + t.rows, 0);
      const db = poolDb(database.dsn, { max: 1, applicationName: 'openwatch-backup' });
      try {
        await audit(db, {
          code: 'system.backup.created',
          actor: CLI_ACTOR,
          details: {
            archive: target,
            schema_version: manifest.schema_version,
            rows,
            files: manifest.files.length,
          },
        });
      } finally {
        await db.close();
      }
      ctx.stdout.write(
        `backup written: ${target} (${manifest.tables.length} tables, ${rows} rows, ${manifest.files.length} files sealed)\n`,
      );
      if (dir !== undefined && (keep !== undefined || keepDays !== undefined)) {
        const removed = pruneArchives(dir, {
          ...(keep !== undefined ? { keep } : {}),
          ...(keepDays !== undefined ? { keepDays } : {}),
          now,
          justWritten: target,
        });
        for (const r of removed) ctx.stdout.write(`removed old backup ${r}\n`);
      }
      return 0;
    } finally {
      if (database.embedded?.server.startedHere) await database.embedded.server.stop();
    }
  },
});

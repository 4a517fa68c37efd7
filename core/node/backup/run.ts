import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Config } from '../../config/schema.ts';
import { listCredentials } from '../../db/sql/credentials.ts';
import { poolDb } from '../../db/node-pool.ts';
import { decryptCredential } from '../../fleet/credentials.ts';
import { VERSION } from '../../version.ts';
import { loadCredentialKeyring } from '../credential-keys.ts';
import { schemaVersionOf, withClient } from '../migrate.ts';
import { packArchive, unpackArchive } from './archive.ts';
import { dumpDatabase } from './dump.ts';
import { installationFiles, tempDirFor, writeInstallationFiles } from './files.ts';
import { loadDatabase, RestoreError, type LoadResult } from './load.ts';
import { ARCHIVE_FORMAT, MANIFEST_FILE, manifestSchema, SECRETS_FILE, type Manifest } from './manifest.ts';
import { openSecrets, sealSecrets, type SecretFile } from './secrets.ts';

export interface BackupInput {
  dsn: string;
  config: Config;
  configFile: string | undefined;
  passphrase: string;
  out: string;
}

/** Writes one archive: the database dump, a manifest, and the installation's files sealed with the passphrase. */
export async function createBackup(input: BackupInput): Promise<Manifest> {
  const dir = tempDirFor('openwatch-backup');
  try {
    const dump = await dumpDatabase(input.dsn, dir);
    const files = installationFiles(input.config, input.configFile);
    writeFileSync(join(dir, SECRETS_FILE), await sealSecrets(files, input.passphrase), { mode: 0o600 });
    const manifest: Manifest = {
      format: ARCHIVE_FORMAT,
      version: 1,
      created_at: new Date().toISOString(),
      openwatch_version: VERSION,
      server_version: dump.serverVersion,
      schema_version: schemaVersionOf(dump.migrations),
      migrations: dump.migrations,
      tables: dump.tables,
      files: files.map(({ role, path, mode }) => ({ role, path, mode })),
    };
    writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2), { mode: 0o600 });
    await packArchive(dir, input.out);
    return manifest;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Opened {
  dir: string;
  manifest: Manifest;
  files: SecretFile[];
}

async function openArchive(archive: string, passphrase: string): Promise<Opened> {
  const dir = tempDirFor('openwatch-restore');
  try {
    await unpackArchive(archive, dir);
    const manifest = manifestSchema.parse(JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')));
    const files = await openSecrets(readFileSync(join(dir, SECRETS_FILE), 'utf8'), passphrase);
    return { dir, manifest, files };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

function compareCounts(manifest: Manifest, counts: Record<string, number>): string[] {
  return manifest.tables
    .filter((t) => counts[t.name] !== t.rows)
    .map((t) => `${t.name}: archived ${t.rows}, restored ${counts[t.name] ?? 'none'}`);
}

/** Decrypts every stored credential with the archive's own credential keys. */
async function decryptAll(dsn: string, files: SecretFile[], scratch: string): Promise<number> {
  const keys = files.filter((f) => f.role === 'credential_key');
  const base = keys.find((f) => !/\.v\d+$/.test(f.path));
  if (!base) throw new RestoreError('the archive holds no credential key');
  for (const k of keys)
    writeFileSync(join(scratch, basename(k.path)), Buffer.from(k.content, 'base64'), { mode: 0o600 });
  const ring = await loadCredentialKeyring(join(scratch, basename(base.path)));
  const db = poolDb(dsn, { max: 1, applicationName: 'openwatch-backup-verify' });
  try {
    const creds = await listCredentials(db);
    for (const c of creds) await decryptCredential(ring, c);
    return creds.length;
  } finally {
    await db.close();
  }
}

export interface VerifyReport {
  manifest: Manifest;
  mismatches: string[];
  credentialsDecrypted: number;
}

/**
 * Restores the archive into a scratch database on the same server (needs CREATEDB), compares row counts
 * per table with the manifest, decrypts the stored credentials with the archived key, drops the scratch.
 */
export async function verifyBackup(archive: string, dsn: string, passphrase: string): Promise<VerifyReport> {
  const opened = await openArchive(archive, passphrase);
  const name = `openwatch_verify_${randomBytes(6).toString('hex')}`;
  const scratch = new URL(dsn);
  scratch.pathname = `/${name}`;
  await withClient(dsn, (q) => q.query(`create database ${name}`));
  try {
    const loaded = await loadDatabase(scratch.toString(), opened.dir, opened.manifest, {
      force: false,
      upgrade: false,
    });
    return {
      manifest: opened.manifest,
      mismatches: compareCounts(opened.manifest, loaded.counts),
      credentialsDecrypted: await decryptAll(scratch.toString(), opened.files, opened.dir),
    };
  } finally {
    await withClient(dsn, (q) => q.query(`drop database if exists ${name} with (force)`));
    rmSync(opened.dir, { recursive: true, force: true });
  }
}

export interface RestoreOptions {
  force: boolean;
  /** Restore the files under this directory instead of at their original paths. */
  filesRoot?: string;
  overwriteFiles: boolean;
  /** Leave the archive's schema version (rollback to the release that made it) instead of migrating. */
  noMigrate: boolean;
}

export interface RestoreReport extends LoadResult {
  manifest: Manifest;
  mismatches: string[];
  written: string[];
  skipped: string[];
}

/** Restores the database into `dsn` (migrating it to this binary's schema) and the installation's files. */
export async function restoreBackup(
  archive: string,
  dsn: string,
  passphrase: string,
  o: RestoreOptions,
): Promise<RestoreReport> {
  const opened = await openArchive(archive, passphrase);
  try {
    const loaded = await loadDatabase(dsn, opened.dir, opened.manifest, {
      force: o.force,
      upgrade: !o.noMigrate,
    });
    const files = writeInstallationFiles(opened.files, o.filesRoot, o.overwriteFiles);
    return {
      ...loaded,
      ...files,
      manifest: opened.manifest,
      mismatches: compareCounts(opened.manifest, loaded.counts),
    };
  } finally {
    rmSync(opened.dir, { recursive: true, force: true });
  }
}

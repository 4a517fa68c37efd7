import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../core/config/schema.ts';
import type { Logger } from '../core/log.ts';
import { ensureDevSecrets, type DevSecrets } from '../core/node/dev-secrets.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../core/node/embedded-pg.ts';

export interface ResolvedDatabase {
  dsn: string;
  /** Set in development mode (no DSN configured): the embedded cluster and the generated secrets. */
  embedded?: { server: EmbeddedPostgres; secrets: DevSecrets; dataDir: string };
}

/**
 * The database a command talks to: `database.dsn` when configured; otherwise development mode, where the
 * embedded PostgreSQL under `database.data_dir` is started (and initialised on first use) together with
 * the development secrets.
 */
export async function resolveDatabase(config: Config, log: Logger): Promise<ResolvedDatabase> {
  if (config.database.dsn) return { dsn: config.database.dsn };
  const dataDir = resolve(config.database.data_dir);
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const secrets = await ensureDevSecrets(dataDir);
  for (const f of secrets.created) log.info('created development secret', { file: f });
  const server = await startEmbeddedPostgres({
    dataDir,
    port: config.database.embedded_port,
    password: readFileSync(secrets.postgresPasswordFile, 'utf8').trim(),
    log,
  });
  return { dsn: server.dsn, embedded: { server, secrets, dataDir } };
}

/** The credential key file: configured, else the development one; undefined in production without it. */
export function credentialKeyFile(config: Config, db: ResolvedDatabase): string | undefined {
  return config.identity.credential_key_file ?? db.embedded?.secrets.credentialKeyFile;
}

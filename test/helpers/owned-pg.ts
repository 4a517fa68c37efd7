import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { createLogger } from '../../core/log.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../core/node/embedded-pg.ts';
import { migrate } from '../../core/node/migrate.ts';
import { freePort } from './net.ts';
import { tempDir } from './tmp.ts';

export interface OwnedPostgres {
  /** The migrated `openwatch` database on this server. */
  dsn: string;
  /** Fast shutdown (`pg_ctl stop -m fast`): every session is terminated, as in an operator's restart. */
  stop(): Promise<void>;
  /** Starts the same cluster again on the same port. */
  start(): Promise<void>;
  /** Stops the server and removes its files. */
  destroy(): Promise<void>;
}

const quiet = createLogger({ level: 'error', format: 'json', write: () => undefined });

/**
 * A PostgreSQL server that belongs to one test file (the embedded binaries, a fresh cluster, a free port),
 * for tests that stop and restart the database. Never the shared 127.0.0.1:5432 server, which other test
 * files and other users depend on.
 */
export async function ownedPostgres(): Promise<OwnedPostgres> {
  const dataDir = tempDir('ow-owned-pg');
  const port = await freePort();
  const options = { dataDir, port, password: randomBytes(12).toString('hex'), log: quiet };
  let server: EmbeddedPostgres = await startEmbeddedPostgres(options);
  await migrate(server.dsn);
  return {
    dsn: server.dsn,
    stop: () => server.stop(),
    start: async () => {
      server = await startEmbeddedPostgres(options);
    },
    destroy: async () => {
      await server.stop();
      // Under root the cluster may live outside dataDir, in a directory of its own (see clusterDir).
      const own = server.dir.startsWith(dataDir) ? server.dir : dirname(server.dir);
      rmSync(own, { recursive: true, force: true });
    },
  };
}

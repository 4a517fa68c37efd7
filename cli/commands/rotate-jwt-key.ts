import { randomBytes } from 'node:crypto';
import { chmodSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { appendAuditEvents, CLI_ACTOR } from '../../core/audit/append.ts';
import { poolDb } from '../../core/db/node-pool.ts';
import { registerSigningKey, retireOtherKeys } from '../../core/db/sql/signing-keys.ts';
import { signingKeyFromPem } from '../../core/identity/jwt.ts';
import { createLogger } from '../../core/log.ts';
import { newJwtPrivateKeyPem } from '../../core/node/keys.ts';
import { migrate } from '../../core/node/migrate.ts';
import { defineCommand, stringOption } from '../command.ts';
import { configFromContext, configOptions } from '../config-options.ts';
import { resolveDatabase } from '../database.ts';

/** Replaces `path` atomically with a 0600 file: readers see the old key or the new one, never half. */
function replaceSecretFile(path: string, content: string): void {
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  writeFileSync(tmp, content, { mode: 0o600, flag: 'wx' });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

export default defineCommand({
  usage: '[--out FILE] [--config FILE]',
  description:
    'Writes a new Ed25519 key (0600) over identity.jwt_private_key (or --out), registers its public half in\n' +
    'jwt_signing_keys, and schedules every older key to stop verifying one access-token lifetime\n' +
    '(identity.access_token_minutes) from now, so tokens already issued stay valid until they expire.\n' +
    '`openwatch serve` picks the new file up on its next sign-in; on Workers, put it with\n' +
    '`wrangler secret put JWT_PRIVATE_KEY < FILE` before the overlap ends. See docs/operations.md.',
  options: [
    ...configOptions,
    { name: 'out', type: 'string', value: 'FILE', description: 'Write the new key here instead' },
  ],
  async run(ctx) {
    const config = configFromContext(ctx).config;
    const log = createLogger({ ...config.logging, write: (l) => ctx.stderr.write(l + '\n') });
    const database = await resolveDatabase(config, log);
    const target =
      stringOption(ctx, 'out') ?? config.identity.jwt_private_key ?? database.embedded?.secrets.jwtPrivateKey;
    if (!target) {
      ctx.stderr.write('openwatch rotate-jwt-key: set identity.jwt_private_key or give --out FILE\n');
      return 1;
    }
    const db = poolDb(database.dsn, { max: 2, applicationName: 'openwatch-rotate-jwt-key' });
    try {
      await migrate(database.dsn);
      const pem = newJwtPrivateKeyPem();
      const key = await signingKeyFromPem(pem);
      const overlap = config.identity.access_token_minutes * 60;
      // Registered before the file changes, so a server that reloads the file signs with a known key.
      await registerSigningKey(db, { kid: key.kid, alg: key.alg, publicJwk: key.publicJwk });
      replaceSecretFile(target, pem);
      const retiring = await db.transaction(async (tx) => {
        const kids = await retireOtherKeys(tx, key.kid, overlap);
        await appendAuditEvents(tx, [
          {
            code: 'jwt.key.rotated',
            actor: CLI_ACTOR,
            target: { type: 'jwt_key', id: key.kid },
            details: { kid: key.kid, alg: key.alg, retiring: kids, overlap_seconds: overlap },
          },
        ]);
        return kids;
      });
      const until = new Date(Date.now() + overlap * 1000).toISOString();
      ctx.stdout.write(`new signing key ${key.kid} (${key.alg}) written to ${target}\n`);
      if (retiring.length > 0) ctx.stdout.write(`retiring ${retiring.join(', ')} at ${until}\n`);
      return 0;
    } finally {
      await db.close();
      if (database.embedded?.server.startedHere) await database.embedded.server.stop();
    }
  },
});

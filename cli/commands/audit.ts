import type { Writable } from 'node:stream';
import { compareWithCheckpoint, currentCheckpoint, describeVerdict } from '../../core/audit/checkpoint.ts';
import { verifyAuditChain } from '../../core/audit/verify.ts';
import { poolDb } from '../../core/db/node-pool.ts';
import type { Db } from '../../core/db/types.ts';
import { createLogger } from '../../core/log.ts';
import { readAuditHead } from '../../core/node/audit-head.ts';
import { auditHeadFile, checkpointKeyFrom } from '../audit-anchor.ts';
import { defineCommand, stringOption, UsageError } from '../command.ts';
import { configFromContext, configOptions } from '../config-options.ts';
import { credentialKeyFile, resolveDatabase } from '../database.ts';

/** The chain, then the anchored head; 0 when both hold. */
async function verify(db: Db, out: Writable, headFile: string, keyFile: string | undefined): Promise<number> {
  const result = await verifyAuditChain(db);
  if (result.broken) {
    out.write(
      `audit chain BROKEN at event id ${result.broken.id}: ${result.broken.reason}\n` +
        `${result.checked} events before it verified\n`,
    );
    return 1;
  }
  out.write(`audit chain intact: ${result.checked} events verified (last id ${result.lastId})\n`);
  const anchored = readAuditHead(headFile);
  if (!anchored || !keyFile) {
    out.write(`no audit head anchor at ${headFile}: a removed tail cannot be detected\n`);
    return 0;
  }
  const verdict = await compareWithCheckpoint(db, await checkpointKeyFrom(keyFile), anchored);
  out.write(`audit head ${verdict.ok ? 'intact' : 'BROKEN'}: ${describeVerdict(verdict, anchored)}\n`);
  return verdict.ok ? 0 : 1;
}

export default defineCommand({
  usage: 'verify [--head FILE] | checkpoint [--config FILE]',
  description:
    "verify walks audit_events in id order, recomputing each row's hash from its canonical content and\n" +
    "checking it links to the previous row's hash, then checks that the head anchored outside the database\n" +
    '(audit.head_file, written by serve; or --head FILE, a checkpoint exported earlier) is still there with\n' +
    'the same hash. Exits 0 when both hold, 1 naming the first row that does not verify or the missing events.\n' +
    'checkpoint prints the current head as a signed checkpoint to keep off the server (verify --head FILE).',
  options: [
    ...configOptions,
    { name: 'head', type: 'string', value: 'FILE', description: 'Verify against this checkpoint' },
  ],
  async run(ctx) {
    const sub = ctx.positionals[0];
    if ((sub !== 'verify' && sub !== 'checkpoint') || ctx.positionals.length > 1)
      throw new UsageError('expected the subcommand `verify` or `checkpoint`');
    const config = configFromContext(ctx).config;
    const log = createLogger({ ...config.logging, write: (l) => ctx.stderr.write(l + '\n') });
    const database = await resolveDatabase(config, log);
    const db = poolDb(database.dsn, { max: 1, applicationName: 'openwatch-audit' });
    const keyFile = credentialKeyFile(config, database);
    try {
      if (sub === 'verify')
        return await verify(db, ctx.stdout, stringOption(ctx, 'head') ?? auditHeadFile(config), keyFile);
      if (!keyFile) throw new UsageError('checkpoint needs identity.credential_key_file');
      const cp = await currentCheckpoint(db, await checkpointKeyFrom(keyFile));
      if (!cp) {
        ctx.stderr.write('the audit log is empty: nothing to anchor\n');
        return 1;
      }
      ctx.stdout.write(JSON.stringify(cp) + '\n');
      return 0;
    } finally {
      await db.close();
      if (database.embedded?.server.startedHere) await database.embedded.server.stop();
    }
  },
});

import { createLogger } from '../../core/log.ts';
import { migrate, migrationStatus } from '../../core/node/migrate.ts';
import { defineCommand, flag } from '../command.ts';
import { configFromContext, configOptions } from '../config-options.ts';
import { resolveDatabase } from '../database.ts';

const label = (m: { id: number; name: string }) => `${String(m.id).padStart(4, '0')}_${m.name}`;

export default defineCommand({
  usage: '[--status] [--config FILE]',
  description:
    'Migrations are forward-only numbered files in migrations/, each applied once in its own transaction.\n' +
    'Concurrent runs serialise on an advisory lock; a run with nothing pending changes nothing.\n' +
    'Without database.dsn the embedded development database is used.',
  options: [
    ...configOptions,
    { name: 'status', type: 'boolean', description: 'List applied and pending migrations' },
  ],
  async run(ctx) {
    const loaded = configFromContext(ctx);
    const log = createLogger({ ...loaded.config.logging, write: (l) => ctx.stderr.write(l + '\n') });
    const db = await resolveDatabase(loaded.config, log);
    try {
      if (flag(ctx, 'status')) {
        const st = await migrationStatus(db.dsn);
        for (const a of st.applied) ctx.stdout.write(`applied  ${label(a)}  ${a.applied_at.toISOString()}\n`);
        for (const p of st.pending) ctx.stdout.write(`pending  ${label(p)}\n`);
        for (const u of st.unknown) ctx.stdout.write(`NEWER    ${label(u)} (not known to this binary)\n`);
        for (const m of st.modified)
          ctx.stdout.write(`MODIFIED ${label(m)} (file changed after it was applied)\n`);
        ctx.stdout.write(`${st.applied.length} applied, ${st.pending.length} pending\n`);
        return st.modified.length + st.unknown.length > 0 ? 1 : 0;
      }
      const applied = await migrate(db.dsn);
      if (applied.length === 0) ctx.stdout.write('nothing to migrate: the schema is current\n');
      for (const m of applied) ctx.stdout.write(`applied ${label(m)}\n`);
      return 0;
    } finally {
      if (db.embedded?.server.startedHere) await db.embedded.server.stop();
    }
  },
});

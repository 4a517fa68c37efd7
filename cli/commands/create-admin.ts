import { z } from 'zod';
import { appendAuditEvents, CLI_ACTOR } from '../../core/audit/append.ts';
import { poolDb } from '../../core/db/node-pool.ts';
import { createUser, normaliseUsername, USERNAME_PATTERN } from '../../core/identity/accounts.ts';
import { createLogger } from '../../core/log.ts';
import { nodeCommonPasswords } from '../../core/node/identity-runtime.ts';
import { migrate } from '../../core/node/migrate.ts';
import { defineCommand, stringOption, UsageError } from '../command.ts';
import { configFromContext, configOptions } from '../config-options.ts';
import { resolveDatabase } from '../database.ts';
import { PromptError, readNewPassword } from '../prompt.ts';

const email = z.email().max(254);

export default defineCommand({
  usage: '--username NAME --email ADDRESS [--display-name TEXT] [--config FILE]',
  description:
    'The password is never taken from the command line: on a terminal it is asked twice without echo,\n' +
    'otherwise the first line of standard input is read (printf \'%s\\n\' "$PW" | openwatch create-admin …).\n' +
    'It must meet the password policy (15+ characters for administrators, not a common password, not\n' +
    'containing the username). Refuses an existing username. Migrates the database first. Without\n' +
    'database.dsn the embedded development database is used.',
  options: [
    ...configOptions,
    { name: 'username', type: 'string', value: 'NAME', description: 'Login name (lower-cased)' },
    { name: 'email', type: 'string', value: 'ADDRESS', description: 'E-mail address' },
    { name: 'display-name', type: 'string', value: 'TEXT', description: 'Display name' },
  ],
  async run(ctx) {
    const rawName = stringOption(ctx, 'username');
    const rawEmail = stringOption(ctx, 'email');
    if (!rawName || !rawEmail) throw new UsageError('--username and --email are required');
    const username = normaliseUsername(rawName);
    if (!USERNAME_PATTERN.test(username))
      throw new UsageError('--username: 2–63 of a-z 0-9 . _ -, starting with a letter or digit');
    if (!email.safeParse(rawEmail).success) throw new UsageError('--email: not an e-mail address');
    const config = configFromContext(ctx).config;
    let password: string;
    try {
      password = await readNewPassword(ctx.stdin, ctx.stderr);
    } catch (err) {
      if (!(err instanceof PromptError)) throw err;
      ctx.stderr.write(`openwatch create-admin: ${err.message}\n`);
      return 1;
    }
    const log = createLogger({ ...config.logging, write: (l) => ctx.stderr.write(l + '\n') });
    const database = await resolveDatabase(config, log);
    const db = poolDb(database.dsn, { max: 2, applicationName: 'openwatch-create-admin' });
    try {
      await migrate(database.dsn);
      const common = await nodeCommonPasswords();
      const result = await db.transaction(async (tx) => {
        const r = await createUser(
          tx,
          {
            username,
            email: rawEmail,
            displayName: stringOption(ctx, 'display-name') ?? '',
            password,
            roles: ['admin'],
          },
          common,
        );
        if (r.ok)
          await appendAuditEvents(tx, [
            {
              code: 'user.created',
              actor: CLI_ACTOR,
              target: { type: 'user', id: r.user.id },
              details: { username: r.user.username, roles: ['admin'], via: 'create-admin' },
            },
          ]);
        return r;
      });
      if (!result.ok) {
        const why =
          result.reason === 'weak_password'
            ? `password rejected: it ${result.messages.join('; it ')}`
            : result.reason === 'username_taken'
              ? `user '${username}' already exists`
              : 'the admin role is missing (is the database migrated?)';
        ctx.stderr.write(`openwatch create-admin: ${why}\n`);
        return 1;
      }
      ctx.stdout.write(`created admin '${result.user.username}' (id ${result.user.id})\n`);
      return 0;
    } finally {
      await db.close();
      if (database.embedded?.server.startedHere) await database.embedded.server.stop();
    }
  },
});

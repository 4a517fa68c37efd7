import { readFileSync } from 'node:fs';
import { stringOption, UsageError, type CommandContext, type OptionSpec } from './command.ts';
import { PromptError, readHidden } from './prompt.ts';

/** Where a backup passphrase may come from: never argv. */
export const PASSPHRASE_ENV = 'OPENWATCH_BACKUP_PASSPHRASE';

export const passphraseOption: OptionSpec = {
  name: 'passphrase-file',
  type: 'string',
  value: 'FILE',
  description: `File whose first line is the backup passphrase (else $${PASSPHRASE_ENV}, else a no-echo prompt)`,
};

/**
 * The backup passphrase: a file (systemd LoadCredential), the environment, or typed on a terminal
 * without echo (twice when creating an archive). Never a command-line argument.
 */
export async function readBackupPassphrase(ctx: CommandContext, confirm: boolean): Promise<string> {
  const file = stringOption(ctx, 'passphrase-file');
  if (file !== undefined) return (readFileSync(file, 'utf8').split(/\r?\n/)[0] ?? '').trimEnd();
  const env = ctx.env[PASSPHRASE_ENV];
  if (env) return env;
  const stdin = ctx.stdin as { isTTY?: boolean };
  if (!stdin.isTTY)
    throw new UsageError(
      `no passphrase: set ${PASSPHRASE_ENV}, pass --passphrase-file, or run on a terminal`,
    );
  const first = await readHidden(ctx.stdin, ctx.stderr, 'Backup passphrase: ');
  if (confirm && (await readHidden(ctx.stdin, ctx.stderr, 'Repeat passphrase: ')) !== first)
    throw new PromptError('the passphrases do not match');
  return first;
}

import { constants, existsSync } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { flag, stringOption, UsageError, type CommandContext } from '../command.ts';
import { openHost, type HostConnection } from '../../engine/transport/connect.ts';
import type { HostKeyPolicy } from '../../engine/transport/host-key.ts';
import { InventoryError, parseInventory, type InventoryHost } from '../../engine/transport/inventory.ts';
import { LocalTransport } from '../../engine/transport/local.ts';
import { readSecret, SecretError, type SecretSource } from '../../engine/transport/secrets.ts';
import { SudoTransport } from '../../engine/transport/sudo.ts';
import { parseTarget, TargetError, targetLabel } from '../../engine/transport/target.ts';
import type { Transport } from '../../engine/transport/types.ts';
import { DEFAULT_TIMEOUT_S, positiveInt } from './options.ts';

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/** One host to scan: its label and how to reach it. */
export interface Job {
  label: string;
  open: (signal: AbortSignal) => Promise<{ transport: Transport; close: () => Promise<void> }>;
}

async function secret(
  ctx: CommandContext,
  envOption: string,
  promptOption?: string,
  prompt?: string,
): Promise<string | undefined> {
  const env = stringOption(ctx, envOption);
  let source: SecretSource | undefined;
  if (env !== undefined) source = { kind: 'env', name: env };
  else if (promptOption && flag(ctx, promptOption))
    source = { kind: 'prompt', prompt: prompt ?? 'Password: ' };
  if (!source) return undefined;
  try {
    return await readSecret(source, ctx.env, { stdin: ctx.stdin, stderr: ctx.stderr });
  } catch (err) {
    if (err instanceof SecretError) throw new UsageError(err.message);
    throw err;
  }
}

/** A key file that is missing or unreadable is a mistake in the command line, not a host failure. */
async function checkKeyFile(path: string, what: string): Promise<void> {
  let problem: string | undefined;
  try {
    if (!(await stat(path)).isFile()) problem = 'not a regular file';
    else await access(path, constants.R_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    problem = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(code);
  }
  if (problem !== undefined)
    throw new UsageError(`${what} ${path}: ${problem}; give the path of a readable private key file`);
}

function defaultKey(): string | undefined {
  return DEFAULT_KEYS.map((k) => join(homedir(), '.ssh', k)).find((p) => existsSync(p));
}

export async function sshJobs(ctx: CommandContext): Promise<Job[]> {
  const inventory = stringOption(ctx, 'inventory');
  if (inventory !== undefined && ctx.positionals.length > 0)
    throw new UsageError('give either a target or --inventory, not both');
  if (ctx.positionals.length > 1) throw new UsageError('one target per run; use --inventory for several');
  let hosts: InventoryHost[];
  try {
    if (inventory !== undefined) hosts = parseInventory(await readFile(inventory, 'utf8'), inventory);
    else if (ctx.positionals[0] !== undefined) hosts = [parseTarget(ctx.positionals[0])];
    else throw new UsageError('missing target: [user@]host[:port], --inventory FILE or --local');
  } catch (err) {
    if (err instanceof TargetError || err instanceof InventoryError) throw new UsageError(err.message);
    throw err;
  }
  const pinned = stringOption(ctx, 'host-key-fingerprint');
  if (pinned !== undefined && hosts.length > 1)
    throw new UsageError('--host-key-fingerprint pins one host; put per-host fingerprints in the inventory');
  // Key files first: a typo in a path should not cost a password prompt.
  const keyOption = stringOption(ctx, 'key');
  if (keyOption !== undefined) await checkKeyFile(keyOption, '--key');
  for (const h of hosts) if (h.key !== undefined) await checkKeyFile(h.key, `inventory key of ${h.host}:`);
  const password = await secret(ctx, 'password-env', 'password-prompt', 'SSH password: ');
  const passphrase = await secret(ctx, 'key-passphrase-env');
  const sudoPassword = await secret(ctx, 'sudo-password-env');
  const key = keyOption ?? (password === undefined ? defaultKey() : undefined);
  if (key === undefined && password === undefined && hosts.some((h) => h.key === undefined)) {
    throw new UsageError('no credential: give --key FILE, --password-env NAME or --password-prompt');
  }
  const knownHosts = stringOption(ctx, 'known-hosts') ?? join(homedir(), '.ssh', 'known_hosts');
  const acceptNew = flag(ctx, 'accept-new-host-key');
  const defaultUser = userInfo().username;
  return hosts.map((h) => {
    const fingerprint = h.fingerprint ?? pinned;
    const hostKey: HostKeyPolicy =
      fingerprint !== undefined ? { fingerprint } : { knownHostsFile: knownHosts, acceptNew };
    const keyFile = h.key ?? key;
    const useSudo = h.sudo ?? (flag(ctx, 'sudo') || sudoPassword !== undefined);
    const label = targetLabel(h, defaultUser);
    return {
      label,
      open: async (signal) => {
        const conn: HostConnection = {
          target: h,
          defaultUser,
          ...(keyFile !== undefined ? { keyFile } : {}),
          ...(passphrase !== undefined ? { passphrase } : {}),
          ...(password !== undefined ? { password } : {}),
          hostKey,
          ...(useSudo ? { sudo: sudoPassword !== undefined ? { password: sudoPassword } : {} } : {}),
          connectTimeoutMs: Math.min(30_000, positiveInt(ctx, 'timeout', DEFAULT_TIMEOUT_S) * 1000),
          signal,
        };
        const { transport, ssh } = await openHost(conn);
        if (ssh.hostKey.status === 'accepted_new') {
          const where = fingerprint === undefined ? ` (recorded in ${knownHosts})` : '';
          ctx.stderr.write(
            `openwatch scan: ${label}: accepted new ${ssh.hostKey.keyType} host key ${ssh.hostKey.fingerprint}${where}\n`,
          );
        }
        return { transport, close: () => ssh.close() };
      },
    };
  });
}

export function localJob(ctx: CommandContext): Job {
  if (ctx.positionals.length > 0 || stringOption(ctx, 'inventory') !== undefined)
    throw new UsageError('--local scans this machine; it takes no target');
  return {
    label: 'local',
    open: async () => {
      const local = new LocalTransport();
      const sudoPassword = await secret(ctx, 'sudo-password-env');
      const sudo = flag(ctx, 'sudo') || sudoPassword !== undefined;
      const transport =
        sudo && process.getuid?.() !== 0
          ? new SudoTransport(local, sudoPassword !== undefined ? { password: sudoPassword } : {})
          : local;
      return { transport, close: () => local.close() };
    },
  };
}

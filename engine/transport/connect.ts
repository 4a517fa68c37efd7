import { readFile } from 'node:fs/promises';
import type { HostKeyPolicy } from './host-key.ts';
import { connectSsh, type SshTransport } from './ssh.ts';
import { SudoTransport } from './sudo.ts';
import type { SshTarget } from './target.ts';
import type { Transport } from './types.ts';

/** Resolved, secret-bearing options for reaching one host. Built by the CLI or the runner. */
export interface HostConnection {
  target: SshTarget;
  /** Used when the target names no user. */
  defaultUser: string;
  keyFile?: string;
  passphrase?: string;
  password?: string;
  hostKey: HostKeyPolicy;
  /** Run commands through sudo; `password` is sent on stdin only. Ignored for root. */
  sudo?: { password?: string };
  connectTimeoutMs?: number;
  signal?: AbortSignal;
}

/** Opens the SSH connection and, when asked and useful, wraps it in sudo. */
export async function openHost(c: HostConnection): Promise<{ transport: Transport; ssh: SshTransport }> {
  const privateKey = c.keyFile !== undefined ? await readFile(c.keyFile) : undefined;
  const username = c.target.user ?? c.defaultUser;
  const ssh = await connectSsh({
    host: c.target.host,
    ...(c.target.port !== undefined ? { port: c.target.port } : {}),
    username,
    ...(privateKey !== undefined ? { privateKey } : {}),
    ...(c.passphrase !== undefined ? { passphrase: c.passphrase } : {}),
    ...(c.password !== undefined ? { password: c.password } : {}),
    hostKey: c.hostKey,
    ...(c.connectTimeoutMs !== undefined ? { connectTimeoutMs: c.connectTimeoutMs } : {}),
    ...(c.signal ? { signal: c.signal } : {}),
  });
  const transport = c.sudo && username !== 'root' ? new SudoTransport(ssh, c.sudo) : ssh;
  return { transport, ssh };
}

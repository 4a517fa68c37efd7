import ssh2 from 'ssh2';
import type { Client, ConnectConfig } from 'ssh2';
import { abortedError, armDeadline } from './deadline.ts';
import { decideHostKey, loadHostEntries, preferredHostKeyAlgorithms, recordNewHostKey, type HostKeyInfo, type HostKeyPolicy } from './host-key.ts';
import { ChannelLimiter } from './limiter.ts';
import { runChannel } from './ssh-channel.ts';
import { mapConnectError } from './ssh-errors.ts';
import { TransportError, type ExecOptions, type ExecResult, type Transport } from './types.ts';

/** Connect + authenticate budget per host; an unreachable host should not hold a scan slot long. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;
/** OpenSSH's default MaxSessions is 10; about six concurrent channels are usable in practice. */
export const DEFAULT_MAX_CHANNELS = 6;

export interface SshConnectOptions {
  host: string;
  port?: number;
  username: string;
  /** Private key text (OpenSSH or PEM). Secrets arrive as values, never via argv. */
  privateKey?: string | Buffer;
  passphrase?: string;
  password?: string;
  hostKey: HostKeyPolicy;
  connectTimeoutMs?: number;
  maxChannels?: number;
  /** Default byte cap per stream for every exec on this connection. */
  maxOutputBytes?: number;
  signal?: AbortSignal;
}

/** A Transport over one authenticated SSH connection; commands share it through a channel limiter. */
export class SshTransport implements Transport {
  private closed = false;

  constructor(
    readonly target: string,
    readonly hostKey: HostKeyInfo,
    private readonly client: Client,
    private readonly limiter: ChannelLimiter,
    private readonly maxOutputBytes: number | undefined,
  ) {
    client.on('close', () => {
      this.closed = true;
    });
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (this.closed) throw new TransportError('channel_failed', `connection to ${this.target} is closed`);
    const release = await this.limiter.acquire(options.signal);
    try {
      const cap = options.maxOutputBytes ?? this.maxOutputBytes;
      return await runChannel(this.client, this.limiter, command, {
        ...options,
        ...(cap !== undefined ? { maxOutputBytes: cap } : {}),
        target: this.target,
      });
    } finally {
      release();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await new Promise<void>((resolve) => {
      const done = setTimeout(resolve, 2000);
      this.client.once('close', () => {
        clearTimeout(done);
        resolve();
      });
      this.client.end();
    });
    this.closed = true;
  }
}

function checkPrivateKey(opts: SshConnectOptions): void {
  if (opts.privateKey === undefined) return;
  const parsed = ssh2.utils.parseKey(opts.privateKey, opts.passphrase);
  if (parsed instanceof Error) {
    const why = /passphrase|decrypt|bad decrypt/i.test(parsed.message)
      ? opts.passphrase === undefined
        ? 'it is encrypted and no passphrase was given'
        : 'the passphrase is wrong'
      : 'it is not a supported private key';
    throw new TransportError('auth_failed', `cannot use the private key: ${why}`);
  }
}

/**
 * Opens an authenticated connection. The host key is checked in `hostVerifier`, during key exchange and
 * before any credential is sent or command run; a rejected key ends the handshake.
 */
export async function connectSsh(opts: SshConnectOptions): Promise<SshTransport> {
  const port = opts.port ?? 22;
  const target = `${opts.username}@${opts.host}${port === 22 ? '' : `:${port}`}`;
  if (opts.signal?.aborted) throw abortedError(`connecting to ${target}`, opts.signal);
  checkPrivateKey(opts);
  const entries = await loadHostEntries(opts.hostKey, opts.host, port);
  const client = new ssh2.Client();
  let rejection: TransportError | undefined;
  let accepted: { info: HostKeyInfo; key: Buffer } | undefined;

  const prefer = preferredHostKeyAlgorithms(entries);
  const config: ConnectConfig = {
    host: opts.host,
    port,
    username: opts.username,
    readyTimeout: opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    keepaliveInterval: 0,
    // ssh2 skips a `prepend` already in its default list, so remove first: key order is the apply order.
    ...(prefer.length ? { algorithms: { serverHostKey: { remove: prefer, prepend: prefer, append: [] } } } : {}),
    hostVerifier: (key: Buffer): boolean => {
      const d = decideHostKey(opts.hostKey, entries, key, `${opts.host}:${port}`);
      if (!d.ok) {
        rejection = d.error;
        return false;
      }
      accepted = { info: d.info, key };
      return true;
    },
    ...(opts.privateKey !== undefined ? { privateKey: opts.privateKey } : {}),
    ...(opts.passphrase !== undefined ? { passphrase: opts.passphrase } : {}),
    ...(opts.password !== undefined ? { password: opts.password, tryKeyboard: true } : {}),
  };

  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (err?: TransportError) => {
      if (settled) return;
      settled = true;
      deadline.clear();
      if (err) {
        client.destroy();
        reject(err);
      } else resolve();
    };
    const deadline = armDeadline(
      { timeoutMs: opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, ...(opts.signal ? { signal: opts.signal } : {}), what: `connecting to ${target}` },
      (err) => settle(err),
    );
    client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => {
      // Answer password-looking prompts only; anything else (OTP, questions) gets an empty reply.
      finish(prompts.map((p) => (/password/i.test(p.prompt) && opts.password !== undefined ? opts.password : '')));
    });
    client.once('ready', () => settle());
    client.on('error', (err) => settle(rejection ?? mapConnectError(err, target, opts.username)));
    client.once('close', () => settle(rejection ?? new TransportError('unreachable', `connection to ${target} closed during the handshake`)));
    client.connect(config);
  });

  client.setNoDelay(true);
  // Errors after `ready` surface on the channels that are in flight; keep the emitter from throwing.
  client.on('error', () => undefined);
  if (!accepted) {
    client.destroy();
    throw new TransportError('protocol_error', `no host key was verified for ${target}`);
  }
  if (accepted.info.status === 'accepted_new') await recordNewHostKey(opts.hostKey, opts.host, port, accepted.key);
  return new SshTransport(target, accepted.info, client, new ChannelLimiter(opts.maxChannels ?? DEFAULT_MAX_CHANNELS), opts.maxOutputBytes);
}

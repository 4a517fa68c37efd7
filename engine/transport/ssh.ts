import ssh2 from 'ssh2';
import type { Client, ConnectConfig } from 'ssh2';
import { abortedError, armDeadline } from './deadline.ts';
import {
  decideHostKey,
  loadHostEntries,
  preferredHostKeyAlgorithms,
  recordNewHostKey,
  type HostKeyInfo,
  type HostKeyPolicy,
} from './host-key.ts';
import { backoffMs, ChannelLimiter, sleep } from './limiter.ts';
import { authMethods, parsePrivateKey, type SshCredentials } from './ssh-auth.ts';
import { ChannelOpenError, execOnChannel } from './ssh-channel.ts';
import { isChannelRefusal, mapConnectError } from './ssh-errors.ts';
import { TransportError, type ExecOptions, type ExecResult, type Transport } from './types.ts';

/** Connect + authenticate budget per host; an unreachable host should not hold a scan slot long. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;
/** OpenSSH's default MaxSessions is 10; about six concurrent channels are usable in practice. */
export const DEFAULT_MAX_CHANNELS = 6;
/** Refused channel opens retried (with backoff and a lower cap) before `channel_failed`. */
const CHANNEL_RETRIES = 8;

/** Secrets arrive here as values (read from a file, env var or prompt), never from argv. */
export interface SshConnectOptions extends SshCredentials {
  host: string;
  port?: number;
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
    const cap = options.maxOutputBytes ?? this.maxOutputBytes;
    const run = { ...options, ...(cap !== undefined ? { maxOutputBytes: cap } : {}), target: this.target };
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new TransportError('channel_failed', `connection to ${this.target} is closed`);
      if (options.signal?.aborted) throw abortedError(`command on ${this.target}`, options.signal);
      const release = await this.limiter.acquire(options.signal);
      try {
        return await execOnChannel(this.client, command, run);
      } catch (err) {
        if (!(err instanceof ChannelOpenError)) throw err;
        release();
        if (!isChannelRefusal(err.cause) || attempt >= CHANNEL_RETRIES) {
          throw new TransportError(
            'channel_failed',
            `cannot open a channel on ${this.target}: ${err.message}`,
          );
        }
        // The server is at its session limit: what is open now is what it allows.
        this.limiter.refused();
        await sleep(backoffMs(attempt), options.signal);
      } finally {
        release();
      }
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

/**
 * Opens an authenticated connection. The host key is checked in `hostVerifier`, during key exchange and
 * before any credential is sent or command run; a rejected key ends the handshake.
 */
export async function connectSsh(opts: SshConnectOptions): Promise<SshTransport> {
  const port = opts.port ?? 22;
  const target = `${opts.username}@${opts.host}${port === 22 ? '' : `:${port}`}`;
  if (opts.signal?.aborted) throw abortedError(`connecting to ${target}`, opts.signal);
  const auth = authMethods(opts, parsePrivateKey(opts));
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
    ...(prefer.length
      ? { algorithms: { serverHostKey: { remove: prefer, prepend: prefer, append: [] } } }
      : {}),
    hostVerifier: (key: Buffer): boolean => {
      const d = decideHostKey(opts.hostKey, entries, key, `${opts.host}:${port}`);
      if (!d.ok) {
        rejection = d.error;
        return false;
      }
      accepted = { info: d.info, key };
      return true;
    },
    authHandler: auth,
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
      {
        timeoutMs: opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        ...(opts.signal ? { signal: opts.signal } : {}),
        what: `connecting to ${target}`,
      },
      (err) => settle(err),
    );
    client.once('ready', () => settle());
    client.on('error', (err) => settle(rejection ?? mapConnectError(err, target, opts.username)));
    client.once('close', () =>
      settle(
        rejection ?? new TransportError('unreachable', `connection to ${target} closed during the handshake`),
      ),
    );
    client.connect(config);
  });

  client.setNoDelay(true);
  // Errors after `ready` surface on the channels that are in flight; keep the emitter from throwing.
  client.on('error', () => undefined);
  if (!accepted) {
    client.destroy();
    throw new TransportError('protocol_error', `no host key was verified for ${target}`);
  }
  if (accepted.info.status === 'accepted_new')
    await recordNewHostKey(opts.hostKey, opts.host, port, accepted.key);
  return new SshTransport(
    target,
    accepted.info,
    client,
    new ChannelLimiter(opts.maxChannels ?? DEFAULT_MAX_CHANNELS),
    opts.maxOutputBytes,
  );
}

import type { Client, ClientChannel } from 'ssh2';
import { abortedError, armDeadline } from './deadline.ts';
import { backoffMs, type ChannelLimiter } from './limiter.ts';
import { OutputCollector } from './output.ts';
import { isChannelRefusal } from './ssh-errors.ts';
import { TransportError, type ExecOptions, type ExecResult } from './types.ts';

/** Attempts to open a channel before giving up with `channel_failed`. */
const CHANNEL_ATTEMPTS = 6;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(abortedError('waiting to retry an SSH channel', signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function openExec(client: Client, command: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    try {
      client.exec(command, (err, stream) => (err ? reject(err) : resolve(stream)));
    } catch (err) {
      // ssh2 throws synchronously ("Not connected") once the connection is gone.
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}

/** Opens an exec channel, retrying with backoff (and a lower channel cap) while the server refuses. */
async function openWithRetry(client: Client, limiter: ChannelLimiter, command: string, target: string, signal?: AbortSignal): Promise<ClientChannel> {
  let lastError: unknown;
  for (let attempt = 0; attempt < CHANNEL_ATTEMPTS; attempt++) {
    try {
      return await openExec(client, command);
    } catch (err) {
      lastError = err;
      if (!isChannelRefusal(err)) break;
      limiter.shrink();
      await sleep(backoffMs(attempt), signal);
    }
  }
  const why = lastError instanceof Error ? lastError.message : String(lastError);
  throw new TransportError('channel_failed', `cannot open a channel on ${target}: ${why}`);
}

/** Runs one command on its own channel and collects its output as raw bytes. */
export async function runChannel(
  client: Client,
  limiter: ChannelLimiter,
  command: string,
  opts: ExecOptions & { target: string },
): Promise<ExecResult> {
  if (opts.signal?.aborted) throw abortedError(`command on ${opts.target}`, opts.signal);
  const stream = await openWithRetry(client, limiter, command, opts.target, opts.signal);
  const out = new OutputCollector(opts.maxOutputBytes);
  const err = new OutputCollector(opts.maxOutputBytes);
  return new Promise<ExecResult>((resolve, reject) => {
    let code: number | null = null;
    let exitSignal: string | undefined;
    let sawExit = false;
    const deadline = armDeadline(
      { ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}), ...(opts.signal ? { signal: opts.signal } : {}), what: `command on ${opts.target}` },
      (e) => {
        // Ask the server to kill the process (OpenSSH >= 7.9 honours it), then drop the channel.
        try {
          stream.signal('KILL');
        } catch {
          // The channel may already be closing; closing it below is what matters.
        }
        stream.close();
        reject(e);
      },
    );
    stream.on('data', (chunk: Buffer) => out.push(chunk));
    stream.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    stream.on('exit', (c: number | null, sig?: string) => {
      sawExit = true;
      code = typeof c === 'number' ? c : null;
      if (sig) exitSignal = sig;
    });
    stream.on('error', (e: Error) => {
      deadline.clear();
      reject(new TransportError('channel_failed', `channel error on ${opts.target}: ${e.message}`));
    });
    stream.on('close', () => {
      deadline.clear();
      if (!sawExit) {
        reject(new TransportError('channel_failed', `channel on ${opts.target} closed without an exit status (connection lost?)`));
        return;
      }
      const truncated = out.truncated || err.truncated;
      resolve({
        stdout: out.toBuffer(),
        stderr: err.toBuffer(),
        code,
        ...(exitSignal ? { signal: exitSignal } : {}),
        ...(truncated ? { truncated } : {}),
      });
    });
    stream.end(opts.stdin ?? undefined);
  });
}

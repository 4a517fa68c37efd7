import type { Client, ClientChannel } from 'ssh2';
import { armDeadline } from './deadline.ts';
import { OutputCollector } from './output.ts';
import { TransportError, type ExecOptions, type ExecResult } from './types.ts';

/** The server refused to open the channel or to exec in it (ssh2's error kept as `cause`). */
export class ChannelOpenError extends Error {
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'ChannelOpenError';
  }
}

/**
 * Opens a session channel, requests `exec` and collects the result. Collection starts inside ssh2's
 * callback, synchronously: a short command's exit-status and close can arrive in the same TCP read as
 * the exec confirmation, and ssh2 emits them as plain events that a later listener would miss.
 */
export function execOnChannel(
  client: Client,
  command: string,
  opts: ExecOptions & { target: string },
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    try {
      client.exec(command, (err, stream) => {
        if (err) reject(new ChannelOpenError(err));
        else collectChannel(stream, opts).then(resolve, reject);
      });
    } catch (err) {
      // ssh2 throws synchronously ("Not connected") once the connection is gone.
      reject(new ChannelOpenError(err));
    }
  });
}

/** Feeds stdin to an opened exec channel and collects its output as raw bytes until it closes. */
function collectChannel(stream: ClientChannel, opts: ExecOptions & { target: string }): Promise<ExecResult> {
  const out = new OutputCollector(opts.maxOutputBytes);
  const err = new OutputCollector(opts.maxOutputBytes);
  return new Promise<ExecResult>((resolve, reject) => {
    let code: number | null = null;
    let exitSignal: string | undefined;
    let sawExit = false;
    const deadline = armDeadline(
      {
        ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
        what: `command on ${opts.target}`,
      },
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
        const said = err.toBuffer().toString('utf8').trim().split('\n')[0] ?? '';
        reject(
          new TransportError(
            'channel_failed',
            `channel on ${opts.target} closed without an exit status${said ? `: ${said}` : ' (connection lost?)'}`,
          ),
        );
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

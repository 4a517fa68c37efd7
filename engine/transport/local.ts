import { spawn } from 'node:child_process';
import { abortedError, armDeadline } from './deadline.ts';
import { OutputCollector } from './output.ts';
import { TransportError, type ExecOptions, type ExecResult, type Transport } from './types.ts';

/**
 * Runs commands on this machine through `sh -c`, exactly as sshd would run them for a remote host.
 * Used by `openwatch scan --local` (self-scan) and by tests and fixtures.
 */
export class LocalTransport implements Transport {
  readonly target = 'local';

  constructor(private readonly defaults: { maxOutputBytes?: number; env?: NodeJS.ProcessEnv } = {}) {}

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (options.signal?.aborted) return Promise.reject(abortedError('local command', options.signal));
    const cap = options.maxOutputBytes ?? this.defaults.maxOutputBytes;
    const out = new OutputCollector(cap);
    const err = new OutputCollector(cap);
    return new Promise((resolve, reject) => {
      // Own process group, so a timeout kills the whole pipeline and not just the shell.
      const child = spawn('sh', ['-c', command], {
        stdio: 'pipe',
        detached: true,
        env: this.defaults.env ?? process.env,
      });
      let failed = false;
      const deadline = armDeadline(
        {
          ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
          what: 'local command',
        },
        (e) => {
          failed = true;
          if (child.pid !== undefined) {
            try {
              process.kill(-child.pid, 'SIGKILL');
            } catch {
              // Already gone.
            }
          }
          reject(e);
        },
      );
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => err.push(c));
      child.stdin.on('error', () => undefined); // EPIPE when the command does not read its stdin
      child.on('error', (e) => {
        deadline.clear();
        reject(new TransportError('channel_failed', `cannot run sh: ${e.message}`));
      });
      child.on('close', (code, signal) => {
        deadline.clear();
        if (failed) return;
        const truncated = out.truncated || err.truncated;
        resolve({
          stdout: out.toBuffer(),
          stderr: err.toBuffer(),
          code,
          ...(signal ? { signal: signal.replace(/^SIG/, '') } : {}),
          ...(truncated ? { truncated } : {}),
        });
      });
      child.stdin.end(options.stdin ?? undefined);
    });
  }

  async close(): Promise<void> {}
}

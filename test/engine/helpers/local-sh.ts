import { spawn } from 'node:child_process';
import type { ExecOptions, ExecResult, Transport } from '../../../engine/transport/types.ts';

/**
 * A minimal Transport that runs command lines with the local /bin/sh, standing in for SSH in engine
 * tests. It records every command so tests can count round trips and inspect what was sent.
 */
export class LocalShTransport implements Transport {
  readonly target = 'local';
  readonly commands: string[] = [];

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    this.commands.push(command);
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', command], {
        stdio: ['pipe', 'pipe', 'pipe'],
        signal: options.signal,
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', reject);
      // A script that never reads stdin may exit before we finish writing to it; that is not a failure.
      child.stdin.on('error', () => undefined);
      child.on('close', (code, signal) =>
        resolve({
          stdout: Buffer.concat(out),
          stderr: Buffer.concat(err),
          code,
          ...(signal ? { signal } : {}),
        }),
      );
      child.stdin.end(options.stdin ?? '');
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

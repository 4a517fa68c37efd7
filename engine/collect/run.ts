import { parseFramed, type Section } from '../facts/framing.ts';
import { shellCommand } from '../shell/quote.ts';
import type { Transport } from '../transport/types.ts';

export interface ExecCounters {
  roundTrips: number;
  bytesSent: number;
  bytesReceived: number;
}

export interface RunOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Runs one script and returns its sections and wall time. The script travels on stdin to `sh -s`, never
 * on the command line, so other users of the host cannot read the framing nonce from the process list.
 * It is wrapped in one brace group with stdin from /dev/null: the shell reads the whole group before
 * running any of it, and no command inside can swallow the rest of the script.
 */
export async function runScript(
  transport: Transport,
  script: string,
  nonce: string,
  counters: ExecCounters,
  o: RunOptions,
): Promise<{
  sections: Section[];
  ms: number;
  code: number | null;
  stderr: string;
  /** Bytes of stdout received (up to the cap). */
  bytes: number;
  /** Output went past the transport's byte cap and the rest was dropped. */
  truncated: boolean;
}> {
  const command = shellCommand(['sh', '-s']);
  const stdin = `{\n${script}\n} </dev/null\n`;
  const t0 = performance.now();
  const res = await transport.exec(command, {
    stdin,
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const ms = performance.now() - t0;
  counters.roundTrips += 1;
  counters.bytesSent += Buffer.byteLength(command) + Buffer.byteLength(stdin);
  counters.bytesReceived += res.stdout.length + res.stderr.length;
  return {
    sections: parseFramed(res.stdout, nonce),
    ms,
    code: res.code,
    stderr: res.stderr.subarray(0, 2000).toString('utf8'),
    bytes: res.stdout.length,
    truncated: res.truncated === true,
  };
}

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

/** Runs one script as `sh -c <script>` and returns its sections and wall time. */
export async function runScript(
  transport: Transport,
  script: string,
  nonce: string,
  counters: ExecCounters,
  o: RunOptions,
): Promise<{ sections: Section[]; ms: number; code: number | null; stderr: string }> {
  const command = shellCommand(['sh', '-c', script]);
  const t0 = performance.now();
  const res = await transport.exec(command, {
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const ms = performance.now() - t0;
  counters.roundTrips += 1;
  counters.bytesSent += Buffer.byteLength(command);
  counters.bytesReceived += res.stdout.length + res.stderr.length;
  return {
    sections: parseFramed(res.stdout, nonce),
    ms,
    code: res.code,
    stderr: res.stderr.subarray(0, 2000).toString('utf8'),
  };
}

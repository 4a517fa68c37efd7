import type { CommandContext } from '../command.ts';
import type { Rule, ScanReport, TraversalMode } from '../../engine/index.ts';
import type { HostError } from '../../engine/report/index.ts';
import { TransportError } from '../../engine/transport/types.ts';
import { engine } from './options.ts';
import type { Job } from './targets.ts';

export interface Run {
  rules: Rule[];
  vars: Record<string, string>;
  traversal: TraversalMode;
  timeoutMs: number;
}

export async function scanJob(job: Job, run: Run, signal: AbortSignal): Promise<ScanReport | HostError> {
  const deadline = AbortSignal.any([signal, AbortSignal.timeout(run.timeoutMs)]);
  let close: (() => Promise<void>) | undefined;
  try {
    const connectStarted = performance.now();
    const opened = await job.open(deadline);
    const connectMs = Math.round(performance.now() - connectStarted);
    close = opened.close;
    const { scanHost } = await engine();
    const report = await scanHost({
      transport: opened.transport,
      rules: run.rules,
      vars: run.vars,
      traversal: run.traversal,
      timeoutMs: run.timeoutMs,
      signal: deadline,
    });
    return { ...report, timing: { ...report.timing, connect_ms: connectMs } };
  } catch (err) {
    if (err instanceof TransportError) return { host: job.label, code: err.code, message: err.message };
    const { ProbeError } = await engine();
    if (err instanceof ProbeError) return { host: job.label, code: err.code, message: err.message };
    const message = err instanceof Error ? err.message : String(err);
    return {
      host: job.label,
      code: deadline.aborted && !signal.aborted ? 'timeout' : 'runtime_error',
      message,
    };
  } finally {
    // The report does not wait for the server to acknowledge the disconnect (tens of milliseconds on a
    // LAN, up to the close timeout on a bad link): the disconnect is sent now and completes meanwhile.
    void close?.().catch(() => undefined);
  }
}

/** Runs jobs `concurrency` at a time, reporting progress on a TTY. Results keep the input order. */
export async function runAll(
  ctx: CommandContext,
  jobs: Job[],
  run: Run,
  concurrency: number,
): Promise<Array<ScanReport | HostError>> {
  const out: Array<ScanReport | HostError> = new Array<ScanReport | HostError>(jobs.length);
  const tty = (ctx.stderr as { isTTY?: boolean }).isTTY === true && jobs.length > 1;
  let next = 0;
  let done = 0;
  let failed = 0;
  const worker = async () => {
    for (let i = next++; i < jobs.length; i = next++) {
      const job = jobs[i];
      if (!job) continue;
      const r = await scanJob(job, run, ctx.signal);
      out[i] = r;
      done += 1;
      if ('code' in r) failed += 1;
      if (tty)
        ctx.stderr.write(
          `\r\u001b[K[${done}/${jobs.length}] ${failed} unreachable or refused — ${job.label}`,
        );
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
  if (tty) ctx.stderr.write('\n');
  return out;
}

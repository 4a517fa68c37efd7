import { writeFile } from 'node:fs/promises';
import { flag, listOption, stringOption, UsageError, type CommandContext } from '../command.ts';
import {
  formatter,
  isFormatName,
  FORMATS,
  SINGLE_HOST_FORMATS,
  type HostError,
  type ScanOutput,
} from '../../engine/report/index.ts';
import { exitCodeFor } from '../../engine/report/exit-code.ts';
import type { ScanReport } from '../../engine/index.ts';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_TIMEOUT_S,
  engine,
  loadSelectedRules,
  parseVars,
  positiveInt,
  TRAVERSALS,
} from './options.ts';
import { runAll } from './run.ts';
import { localJob, sshJobs } from './targets.ts';

/** The body of `openwatch scan`, loaded only when a scan runs (the SSH stack is not needed for --help). */
export async function runScan(ctx: CommandContext): Promise<number> {
  const format = stringOption(ctx, 'format') ?? 'text';
  if (!isFormatName(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  if (SINGLE_HOST_FORMATS.includes(format) && stringOption(ctx, 'inventory') !== undefined)
    throw new UsageError(`--format ${format} describes one host; scan inventory hosts one at a time`);
  const rawTraversal = stringOption(ctx, 'traversal') ?? 'inline';
  const traversal = TRAVERSALS.find((t) => t === rawTraversal);
  if (traversal === undefined) throw new UsageError(`--traversal must be one of ${TRAVERSALS.join(', ')}`);
  const timeoutMs = positiveInt(ctx, 'timeout', DEFAULT_TIMEOUT_S) * 1000;
  const concurrency = positiveInt(ctx, 'concurrency', DEFAULT_CONCURRENCY);
  const selection = await loadSelectedRules(ctx);
  if (typeof selection === 'string') {
    ctx.stderr.write(`openwatch scan: invalid rules:\n${selection}\n`);
    return 2;
  }
  const { rules } = selection;
  // A profile's variables apply only to its rules; --var overrides them.
  const vars = { ...selection.profileVars, ...parseVars(listOption(ctx, 'var')) };
  const { resolveVariables, VariableError } = await engine();
  try {
    resolveVariables(rules, vars);
  } catch (err) {
    if (err instanceof VariableError) throw new UsageError(err.message);
    throw err;
  }
  const jobs = flag(ctx, 'local') ? [localJob(ctx)] : await sshJobs(ctx);
  const results = await runAll(ctx, jobs, { rules, vars, traversal, timeoutMs }, concurrency);
  const output: ScanOutput = {
    reports: results.filter((r): r is ScanReport => !('code' in r)),
    errors: results.filter((r): r is HostError => 'code' in r),
    multiHost: stringOption(ctx, 'inventory') !== undefined,
  };
  for (const e of output.errors) ctx.stderr.write(`openwatch scan: ${e.host}: ${e.code}: ${e.message}\n`);
  const file = stringOption(ctx, 'output');
  const color =
    file === undefined &&
    format === 'text' &&
    (ctx.stdout as { isTTY?: boolean }).isTTY === true &&
    !ctx.env.NO_COLOR;
  const text = formatter(format)(output, {
    color,
    explain: flag(ctx, 'explain'),
    rules: new Map(rules.map((r) => [r.id, r])),
  });
  if (file !== undefined) await writeFile(file, text);
  else ctx.stdout.write(text);
  return exitCodeFor(output);
}

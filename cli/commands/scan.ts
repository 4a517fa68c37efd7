import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  defineCommand,
  flag,
  listOption,
  stringOption,
  UsageError,
  type CommandContext,
} from '../command.ts';
import type { Rule, ScanReport, Severity, TraversalMode } from '../../engine/index.ts';
import {
  formatter,
  isFormatName,
  FORMATS,
  type HostError,
  type ScanOutput,
} from '../../engine/report/index.ts';
import { exitCodeFor } from '../../engine/report/exit-code.ts';
import { openHost, type HostConnection } from '../../engine/transport/connect.ts';
import type { HostKeyPolicy } from '../../engine/transport/host-key.ts';
import { InventoryError, parseInventory, type InventoryHost } from '../../engine/transport/inventory.ts';
import { LocalTransport } from '../../engine/transport/local.ts';
import { readSecret, SecretError, type SecretSource } from '../../engine/transport/secrets.ts';
import { SudoTransport } from '../../engine/transport/sudo.ts';
import { parseTarget, TargetError, targetLabel } from '../../engine/transport/target.ts';
import { TransportError, type Transport } from '../../engine/transport/types.ts';

/**
 * The engine is imported when `scan` runs, not when the dispatcher loads every command at start-up:
 * it costs ~1 s of TypeScript transformation that `openwatch version` should not pay.
 */
const engine = () => import('../../engine/index.ts');

const BUNDLED_RULES = fileURLToPath(new URL('../../rules', import.meta.url));
const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];
const FRAMEWORKS = ['cis', 'stig', 'nist_800_53', 'pci_dss_4', 'cac'];
const TRAVERSALS: readonly TraversalMode[] = ['inline', 'separate', 'skip'];
/** Per host, connect + collect + evaluate; a full-corpus scan takes about a second on a LAN. */
const DEFAULT_TIMEOUT_S = 300;
const DEFAULT_CONCURRENCY = 10;
const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

interface Job {
  label: string;
  open: (signal: AbortSignal) => Promise<{ transport: Transport; close: () => Promise<void> }>;
}

interface Run {
  rules: Rule[];
  vars: Record<string, string>;
  traversal: TraversalMode;
  timeoutMs: number;
}

function positiveInt(ctx: CommandContext, name: string, fallback: number): number {
  const raw = stringOption(ctx, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1) throw new UsageError(`--${name} expects a positive integer, got '${raw}'`);
  return n;
}

function parseVars(pairs: string[]): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`--var expects name=value, got '${p}'`);
    vars[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return vars;
}

async function loadSelectedRules(ctx: CommandContext): Promise<Rule[] | string> {
  const { loadRules, formatLoadErrors, selectRules } = await engine();
  const { rules, errors } = await loadRules([BUNDLED_RULES, ...listOption(ctx, 'rules')]);
  if (errors.length > 0) return formatLoadErrors(errors);
  const severities = listOption(ctx, 'severity');
  for (const s of severities)
    if (!(SEVERITIES as string[]).includes(s))
      throw new UsageError(`--severity must be one of ${SEVERITIES.join(', ')}`);
  const frameworks = listOption(ctx, 'framework');
  for (const f of frameworks)
    if (!FRAMEWORKS.includes(f.split(':')[0] ?? ''))
      throw new UsageError(`--framework must be one of ${FRAMEWORKS.join(', ')} (cis:BENCHMARK allowed)`);
  const ids = listOption(ctx, 'rule');
  const unknown = ids.filter((id) => !rules.some((r) => r.id === id));
  if (unknown.length) throw new UsageError(`unknown rule id: ${unknown.join(', ')}`);
  const selected = selectRules(rules, {
    ids,
    frameworks,
    severities: severities as Severity[],
    tags: listOption(ctx, 'tag'),
    categories: listOption(ctx, 'category'),
  });
  if (selected.length === 0) throw new UsageError('no rule matches the given filters');
  return selected;
}

async function secret(
  ctx: CommandContext,
  envOption: string,
  promptOption?: string,
  prompt?: string,
): Promise<string | undefined> {
  const env = stringOption(ctx, envOption);
  let source: SecretSource | undefined;
  if (env !== undefined) source = { kind: 'env', name: env };
  else if (promptOption && flag(ctx, promptOption))
    source = { kind: 'prompt', prompt: prompt ?? 'Password: ' };
  if (!source) return undefined;
  try {
    return await readSecret(source, ctx.env, { stdin: ctx.stdin, stderr: ctx.stderr });
  } catch (err) {
    if (err instanceof SecretError) throw new UsageError(err.message);
    throw err;
  }
}

function defaultKey(): string | undefined {
  return DEFAULT_KEYS.map((k) => join(homedir(), '.ssh', k)).find((p) => existsSync(p));
}

async function sshJobs(ctx: CommandContext): Promise<Job[]> {
  const inventory = stringOption(ctx, 'inventory');
  if (inventory !== undefined && ctx.positionals.length > 0)
    throw new UsageError('give either a target or --inventory, not both');
  if (ctx.positionals.length > 1) throw new UsageError('one target per run; use --inventory for several');
  let hosts: InventoryHost[];
  try {
    if (inventory !== undefined) hosts = parseInventory(await readFile(inventory, 'utf8'), inventory);
    else if (ctx.positionals[0] !== undefined) hosts = [parseTarget(ctx.positionals[0])];
    else throw new UsageError('missing target: [user@]host[:port], --inventory FILE or --local');
  } catch (err) {
    if (err instanceof TargetError || err instanceof InventoryError) throw new UsageError(err.message);
    throw err;
  }
  const pinned = stringOption(ctx, 'host-key-fingerprint');
  if (pinned !== undefined && hosts.length > 1)
    throw new UsageError('--host-key-fingerprint pins one host; put per-host fingerprints in the inventory');
  const password = await secret(ctx, 'password-env', 'password-prompt', 'SSH password: ');
  const passphrase = await secret(ctx, 'key-passphrase-env');
  const sudoPassword = await secret(ctx, 'sudo-password-env');
  const keyOption = stringOption(ctx, 'key');
  const key = keyOption ?? (password === undefined ? defaultKey() : undefined);
  if (key === undefined && password === undefined && hosts.some((h) => h.key === undefined)) {
    throw new UsageError('no credential: give --key FILE, --password-env NAME or --password-prompt');
  }
  const knownHosts = stringOption(ctx, 'known-hosts') ?? join(homedir(), '.ssh', 'known_hosts');
  const acceptNew = flag(ctx, 'accept-new-host-key');
  const defaultUser = userInfo().username;
  return hosts.map((h) => {
    const fingerprint = h.fingerprint ?? pinned;
    const hostKey: HostKeyPolicy =
      fingerprint !== undefined ? { fingerprint } : { knownHostsFile: knownHosts, acceptNew };
    const keyFile = h.key ?? key;
    const useSudo = h.sudo ?? (flag(ctx, 'sudo') || sudoPassword !== undefined);
    const label = targetLabel(h, defaultUser);
    return {
      label,
      open: async (signal) => {
        const conn: HostConnection = {
          target: h,
          defaultUser,
          ...(keyFile !== undefined ? { keyFile } : {}),
          ...(passphrase !== undefined ? { passphrase } : {}),
          ...(password !== undefined ? { password } : {}),
          hostKey,
          ...(useSudo ? { sudo: sudoPassword !== undefined ? { password: sudoPassword } : {} } : {}),
          connectTimeoutMs: Math.min(30_000, positiveInt(ctx, 'timeout', DEFAULT_TIMEOUT_S) * 1000),
          signal,
        };
        const { transport, ssh } = await openHost(conn);
        if (ssh.hostKey.status === 'accepted_new') {
          const where = fingerprint === undefined ? ` (recorded in ${knownHosts})` : '';
          ctx.stderr.write(
            `openwatch scan: ${label}: accepted new ${ssh.hostKey.keyType} host key ${ssh.hostKey.fingerprint}${where}\n`,
          );
        }
        return { transport, close: () => ssh.close() };
      },
    };
  });
}

function localJob(ctx: CommandContext): Job {
  if (ctx.positionals.length > 0 || stringOption(ctx, 'inventory') !== undefined)
    throw new UsageError('--local scans this machine; it takes no target');
  return {
    label: 'local',
    open: async () => {
      const local = new LocalTransport();
      const sudoPassword = await secret(ctx, 'sudo-password-env');
      const sudo = flag(ctx, 'sudo') || sudoPassword !== undefined;
      const transport =
        sudo && process.getuid?.() !== 0
          ? new SudoTransport(local, sudoPassword !== undefined ? { password: sudoPassword } : {})
          : local;
      return { transport, close: () => local.close() };
    },
  };
}

async function scanJob(job: Job, run: Run, signal: AbortSignal): Promise<ScanReport | HostError> {
  const deadline = AbortSignal.any([signal, AbortSignal.timeout(run.timeoutMs)]);
  let close: (() => Promise<void>) | undefined;
  try {
    const opened = await job.open(deadline);
    close = opened.close;
    const { scanHost } = await engine();
    return await scanHost({
      transport: opened.transport,
      rules: run.rules,
      vars: run.vars,
      traversal: run.traversal,
      timeoutMs: run.timeoutMs,
      signal: deadline,
    });
  } catch (err) {
    if (err instanceof TransportError) return { host: job.label, code: err.code, message: err.message };
    const message = err instanceof Error ? err.message : String(err);
    return {
      host: job.label,
      code: deadline.aborted && !signal.aborted ? 'timeout' : 'runtime_error',
      message,
    };
  } finally {
    await close?.().catch(() => undefined);
  }
}

/** Runs jobs `concurrency` at a time, reporting progress on a TTY. Results keep the input order. */
async function runAll(
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

export default defineCommand({
  name: 'scan',
  summary: 'Scan hosts over SSH (or this machine) against the compliance rules',
  usage: '[user@]host[:port] | --inventory FILE | --local  [options]',
  description:
    'Exit codes: 0 no failures, 1 a rule failed or errored, 2 usage error (flags, rules, variables),\n' +
    '3 a host could not be scanned (unreachable, authentication, host key, sudo, timeout).\n' +
    'Secrets are read from environment variables or a prompt, never from the command line.',
  options: [
    {
      name: 'inventory',
      type: 'string',
      value: 'FILE',
      description: 'YAML or plain list of [user@]host[:port]',
    },
    { name: 'local', type: 'boolean', description: 'Scan this machine without SSH' },
    {
      name: 'key',
      type: 'string',
      value: 'FILE',
      description: 'Private key (default ~/.ssh/id_ed25519, id_ecdsa, id_rsa)',
    },
    {
      name: 'key-passphrase-env',
      type: 'string',
      value: 'NAME',
      description: 'Env var holding the key passphrase',
    },
    { name: 'password-env', type: 'string', value: 'NAME', description: 'Env var holding the SSH password' },
    { name: 'password-prompt', type: 'boolean', description: 'Prompt for the SSH password (no echo)' },
    {
      name: 'known-hosts',
      type: 'string',
      value: 'FILE',
      description: 'known_hosts file (default ~/.ssh/known_hosts)',
    },
    {
      name: 'host-key-fingerprint',
      type: 'string',
      value: 'SHA256:…',
      description: 'Pin the host key instead',
    },
    { name: 'accept-new-host-key', type: 'boolean', description: 'Trust and record an unknown host key' },
    { name: 'sudo', type: 'boolean', description: 'Run the checks through sudo -n' },
    {
      name: 'sudo-password-env',
      type: 'string',
      value: 'NAME',
      description: 'Env var holding the sudo password (implies --sudo)',
    },
    { name: 'rule', type: 'string', multiple: true, value: 'ID', description: 'Only this rule (repeatable)' },
    {
      name: 'framework',
      type: 'string',
      multiple: true,
      value: 'NAME',
      description: 'cis|stig|nist_800_53|pci_dss_4',
    },
    {
      name: 'severity',
      type: 'string',
      multiple: true,
      value: 'LEVEL',
      description: 'low|medium|high|critical',
    },
    { name: 'tag', type: 'string', multiple: true, value: 'TAG', description: 'Rules with this tag' },
    {
      name: 'category',
      type: 'string',
      multiple: true,
      value: 'NAME',
      description: 'Rules in this category',
    },
    {
      name: 'var',
      type: 'string',
      multiple: true,
      value: 'NAME=VALUE',
      description: 'Set a rule variable (rule_id.name for one rule)',
    },
    {
      name: 'rules',
      type: 'string',
      multiple: true,
      value: 'DIR',
      description: 'Extra rules, added to or replacing bundled ones',
    },
    { name: 'format', type: 'string', value: 'FMT', description: `${FORMATS.join('|')} (default text)` },
    {
      name: 'output',
      type: 'string',
      short: 'o',
      value: 'FILE',
      description: 'Write the report here instead of stdout',
    },
    {
      name: 'concurrency',
      type: 'string',
      value: 'N',
      description: `Hosts scanned at once (default ${DEFAULT_CONCURRENCY})`,
    },
    {
      name: 'timeout',
      type: 'string',
      value: 'SECONDS',
      description: `Per-host limit (default ${DEFAULT_TIMEOUT_S})`,
    },
    {
      name: 'traversal',
      type: 'string',
      value: 'MODE',
      description: 'Filesystem walk: inline|separate|skip (default inline)',
    },
  ],
  async run(ctx) {
    const format = stringOption(ctx, 'format') ?? 'text';
    if (!isFormatName(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
    const rawTraversal = stringOption(ctx, 'traversal') ?? 'inline';
    const traversal = TRAVERSALS.find((t) => t === rawTraversal);
    if (traversal === undefined) throw new UsageError(`--traversal must be one of ${TRAVERSALS.join(', ')}`);
    const timeoutMs = positiveInt(ctx, 'timeout', DEFAULT_TIMEOUT_S) * 1000;
    const concurrency = positiveInt(ctx, 'concurrency', DEFAULT_CONCURRENCY);
    const rules = await loadSelectedRules(ctx);
    if (typeof rules === 'string') {
      ctx.stderr.write(`openwatch scan: invalid rules:\n${rules}\n`);
      return 2;
    }
    const vars = parseVars(listOption(ctx, 'var'));
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
    const text = formatter(format)(output, { color });
    if (file !== undefined) await writeFile(file, text);
    else ctx.stdout.write(text);
    return exitCodeFor(output);
  },
});

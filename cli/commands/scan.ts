import { writeFile } from 'node:fs/promises';
import { defineCommand, flag, listOption, stringOption, UsageError } from '../command.ts';
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
} from '../scan/options.ts';
import { runAll } from '../scan/run.ts';
import { localJob, sshJobs } from '../scan/targets.ts';

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
    {
      name: 'profile',
      type: 'string',
      value: 'ID',
      description: 'Only the rules of this benchmark profile, with its variables (docs/profiles.md)',
    },
    {
      name: 'tailoring',
      type: 'string',
      value: 'FILE',
      description: 'A tailoring file: a profile it extends, rules removed or added, variables',
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
      name: 'explain',
      type: 'boolean',
      description: 'Text format: each failing rule with what it checks and why, beside its fix',
    },
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
  },
});

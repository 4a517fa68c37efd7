import { defineCommand } from '../command.ts';
import { FORMATS } from '../../engine/report/index.ts';
import { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_S } from '../scan/options.ts';
export default defineCommand({
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
    return (await import('../scan/execute.ts')).runScan(ctx);
  },
});

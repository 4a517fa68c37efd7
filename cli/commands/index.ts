import type { Command } from '../command.ts';

/** What the dispatcher knows about a subcommand before loading it: enough for the main help. */
export interface CommandEntry {
  name: string;
  aliases?: string[];
  summary: string;
  /** Loads the command's module only when it runs, so `openwatch version` does not load pg or the API. */
  load: () => Promise<{ default: Command }>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'audit',
    summary: 'Audit log tools: `audit verify` checks the hash chain and its anchored head',
    load: () => import('./audit.ts'),
  },
  {
    name: 'check-config',
    summary: 'Validate the configuration and print it resolved, with secrets redacted',
    load: () => import('./check-config.ts'),
  },
  {
    name: 'create-admin',
    summary: 'Create a user holding the admin role (password from stdin or a no-echo prompt)',
    load: () => import('./create-admin.ts'),
  },
  {
    name: 'migrate',
    summary: 'Apply pending database migrations (or list them with --status)',
    load: () => import('./migrate.ts'),
  },
  {
    name: 'rotate-dek',
    summary: 'Generate a new credential (data-encryption) key and re-encrypt every stored secret under it',
    load: () => import('./rotate-dek.ts'),
  },
  {
    name: 'rotate-jwt-key',
    summary:
      'Generate a new access-token signing key, register it, and retire the old ones after the overlap',
    load: () => import('./rotate-jwt-key.ts'),
  },
  {
    name: 'runner',
    aliases: ['worker'],
    summary: 'Claim jobs from the PostgreSQL queue and run them (scans over SSH)',
    load: () => import('./runner.ts'),
  },
  {
    name: 'scan',
    summary: 'Scan hosts over SSH (or this machine) against the compliance rules',
    load: () => import('./scan.ts'),
  },
  {
    name: 'serve',
    summary: 'Run the API and web UI over HTTPS',
    load: () => import('./serve.ts'),
  },
  {
    name: 'setup-link',
    summary: 'Print a fresh one-time link for creating the first administrator',
    load: () => import('./setup-link.ts'),
  },
  {
    name: 'backup',
    summary: 'Write a backup archive (database + keys, secrets sealed), or `backup verify ARCHIVE`',
    load: () => import('./backup.ts'),
  },
  {
    name: 'report',
    summary: 'Report files: keygen, sign, verify (offline), pdf',
    load: () => import('./report.ts'),
  },
  {
    name: 'restore',
    summary: 'Restore a backup archive into the configured database and put its files back',
    load: () => import('./restore.ts'),
  },
  {
    name: 'version',
    summary: 'Print the OpenWatch version, commit and build time',
    load: () => import('./version.ts'),
  },
];

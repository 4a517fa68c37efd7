import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../cli/commands/index.ts';
import { ROOT, runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('openwatch CLI', () => {
  it('lists every command in --help and exits 2 without one', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const cmd of COMMANDS) expect(help.stdout).toContain(cmd.name);
    expect((await runCli([])).code).toBe(2);
  });

  it('registers every command file, and nothing else', () => {
    const files = readdirSync(join(ROOT, 'cli', 'commands'))
      .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(COMMANDS.map((c) => c.name).sort()).toEqual(files);
  });

  it('gives --help for every subcommand, listing only its own options', async () => {
    expect(COMMANDS.map((c) => c.name)).toEqual(
      expect.arrayContaining(['serve', 'migrate', 'check-config', 'version']),
    );
    for (const entry of COMMANDS) {
      const cmd = (await entry.load()).default;
      const res = await runCli([entry.name, '--help']);
      expect(res.code, entry.name).toBe(0);
      expect(res.stdout).toContain(`Usage: openwatch ${entry.name}`);
      const listed = [...res.stdout.matchAll(/^ {2}(?:-\w, )?\s*--([a-z-]+)/gm)].map((m) => m[1]).sort();
      expect(listed, entry.name).toEqual([...cmd.options.map((o) => o.name), 'help'].sort());
    }
    // A server address means nothing to commands that do not serve.
    for (const name of ['migrate', 'audit', 'create-admin', 'check-config', 'runner'])
      expect((await runCli([name, '--help'])).stdout, name).not.toContain('--listen');
  }, 180_000);

  it('rejects unknown commands and options with exit 2', async () => {
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const badOpt = await runCli(['migrate', '--bogus']);
    expect(badOpt.code).toBe(2);
    expect(badOpt.stderr).toContain("Unknown option '--bogus'");
  });

  it('version prints the package version', async () => {
    const res = await runCli(['version', '--json']);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      commit: expect.any(String),
    });
  });
});

describe('openwatch check-config', () => {
  it('never prints the DSN password', async () => {
    const res = await runCli(['check-config'], {
      env: { OPENWATCH_DATABASE_DSN: 'postgres://u:TOPSECRET@127.0.0.1/x' },
    });
    expect(res.code).toBe(0);
    expect(res.stdout + res.stderr).not.toContain('TOPSECRET');
    expect(res.stdout).toContain('dsn = "postgres://u:REDACTED@127.0.0.1/x"');
  });

  it('exits non-zero naming a bad [logging] level and its file', async () => {
    const dir = tempDir('ow-cc');
    const file = join(dir, 'openwatch.toml');
    writeFileSync(file, '[logging]\nlevel = "chatty"\n');
    const res = await runCli(['check-config', '--config', file]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`logging.level: Invalid option`);
    expect(res.stderr).toContain(`(from file ${file})`);
  });

  it('lets flags win over env', async () => {
    const res = await runCli(['check-config', '--json', '--log-level', 'debug'], {
      env: { OPENWATCH_LOGGING_LEVEL: 'error' },
    });
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).logging.level).toBe('debug');
  });
});

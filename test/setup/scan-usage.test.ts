import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli as run } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

/** Each mistake is a usage error (exit 2) that names the problem, found before any host is contacted. */
/** Each run compiles the CLI through tsx: on a loaded 2-core machine that alone can take a minute. */
const runCli = (args: string[]) => run(args, { timeoutMs: 150_000 });

describe('openwatch scan usage errors', { timeout: 600_000 }, () => {
  const dir = tempDir('ow-scan-usage');

  it('a missing or non-file --key, and a missing inventory key', async () => {
    const missing = await runCli(['scan', 'root@127.0.0.1:1', '--key', join(dir, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`--key ${join(dir, 'nope')}: no such file`);
    const folder = await runCli(['scan', 'root@127.0.0.1:1', '--key', dir]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain('not a regular file');
    const inventory = join(dir, 'inventory.yml');
    writeFileSync(inventory, `hosts:\n  - host: 127.0.0.1\n    port: 1\n    key: ${join(dir, 'gone')}\n`);
    const inv = await runCli(['scan', '--inventory', inventory, '--password-env', 'UNSET_PASSWORD_VAR']);
    // Checked before the password is read: the unset variable is not what it complains about.
    expect(inv.code, inv.stderr).toBe(2);
    expect(inv.stderr).toContain(`${join(dir, 'gone')}: no such file`);
    expect(`${missing.stderr}${folder.stderr}${inv.stderr}`).not.toContain('unreachable');
  });

  it('an unknown rule id, with close matches or where rule ids come from', async () => {
    const typo = await runCli(['scan', '--local', '--rule', 'sshd_disable_root_logn']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain(
      'unknown rule id: sshd_disable_root_logn (did you mean sshd_disable_root_login?)',
    );
    const nothing = await runCli(['scan', '--local', '--rule', 'qqq_zzz_xyzzy']);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(
      /unknown rule id: qqq_zzz_xyzzy\n {2}rule ids are the file names under \S+rules\/<category>/,
    );
    expect(nothing.stdout).toBe('');
  });

  it('an unknown framework or CIS benchmark, listing the valid ones', async () => {
    const fw = await runCli(['scan', '--local', '--framework', 'hipaa']);
    expect(fw.code).toBe(2);
    expect(fw.stderr).toContain("unknown framework 'hipaa': use one of cis, stig, nist_800_53, pci_dss_4");
    const bench = await runCli(['scan', '--local', '--framework', 'cis:debian99']);
    expect(bench.code).toBe(2);
    expect(bench.stderr).toMatch(
      /unknown framework 'cis:debian99': only cis takes a benchmark, one of .*debian12/,
    );
    const notCis = await runCli(['scan', '--local', '--framework', 'stig:debian12']);
    expect(notCis.code).toBe(2);
  });
});

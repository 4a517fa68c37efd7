import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const exec = promisify(execFile);
const DIR = join(ROOT, 'infra', 'prometheus');
const RULES = join(DIR, 'openwatch.rules.yml');
const TESTS = join(DIR, 'openwatch.rules.test.yml');

interface Rule {
  alert: string;
  annotations: { runbook_url?: string };
}
const rules = (parse(readFileSync(RULES, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap(
  (g) => g.rules,
);

describe('infra/prometheus alert rules', () => {
  it('pass promtool check rules', async () => {
    const { stdout } = await exec('promtool', ['check', 'rules', RULES]);
    expect(stdout).toContain(`SUCCESS: ${rules.length} rules found`);
  });

  it('pass their promtool unit tests, which fire and stay quiet for every alert', async () => {
    const { stdout } = await exec('promtool', ['test', 'rules', TESTS], { cwd: DIR });
    expect(stdout).toContain('SUCCESS');
    const tests = readFileSync(TESTS, 'utf8');
    for (const r of rules)
      expect(tests, r.alert).toMatch(new RegExp(`alertname: ${r.alert}\\n\\s+exp_alerts:`));
  });

  it('the unit tests catch a changed threshold', async () => {
    const dir = tempDir('ow-rules');
    writeFileSync(join(dir, 'openwatch.rules.yml'), readFileSync(RULES, 'utf8').replace('> 300', '> 3000'));
    writeFileSync(join(dir, 'openwatch.rules.test.yml'), readFileSync(TESTS, 'utf8'));
    await expect(
      exec('promtool', ['test', 'rules', 'openwatch.rules.test.yml'], { cwd: dir }),
    ).rejects.toThrow(/OpenWatchQueueLag/);
  });

  it('cover the alerts the operations guide promises, each with a runbook that exists', () => {
    expect(rules.map((r) => r.alert).sort()).toEqual(
      [
        'OpenWatchCertificateExpiry',
        'OpenWatchDatabaseDown',
        'OpenWatchHighErrorRate',
        'OpenWatchHighLatency',
        'OpenWatchHostsUnreachable',
        'OpenWatchQueueLag',
        'OpenWatchScanFailureRate',
        'OpenWatchServiceDown',
      ].sort(),
    );
    for (const r of rules) {
      const m = /^file:\/\/\/usr\/share\/doc\/openwatch\/(operations\/runbooks\/[A-Z_]+\.md)$/.exec(
        r.annotations.runbook_url ?? '',
      );
      expect(m, r.alert).not.toBeNull();
      expect(() => readFileSync(join(ROOT, 'docs', m?.[1] ?? 'x'))).not.toThrow();
    }
  });
});

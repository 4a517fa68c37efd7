import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRules, scanHost, type Rule } from '../../engine/index.ts';
import { LocalShTransport } from './helpers/local-sh.ts';

// Real collection on this machine (real sh, stat, globs): the facts behind missing-file semantics and the
// configuration places reach the evaluators as a scan over SSH would deliver them.
let work: string;
let rules: Rule[];

function ruleYaml(id: string, check: string): string {
  return `id: ${id}\ntitle: ${id}\ndescription: test\nrationale: test\nseverity: low\ncategory: t\nreferences: {nist_800_53: [CM-6]}\nimplementations:\n  - check: ${check}\nremediation: none\n`;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ow-places-'));
  const dir = join(work, 'rules', 't');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 't_absent.yml'),
    ruleYaml('t_absent', `{method: file_permissions, path: ${work}/nothing, owner: root}`),
  );
  writeFileSync(
    join(dir, 't_required.yml'),
    ruleYaml(
      't_required',
      `{method: file_permissions, path: ${work}/nothing, mode: "0600", if_missing: fail}`,
    ),
  );
  writeFileSync(
    join(dir, 't_coredump.yml'),
    ruleYaml(
      't_coredump',
      '{method: systemd_conf, file: coredump.conf, section: Coredump, key: Storage, value: none}',
    ),
  );
  writeFileSync(
    join(dir, 't_limits.yml'),
    ruleYaml('t_limits', '{method: pam_limits, item: core, value: 0}'),
  );
  writeFileSync(
    join(dir, 't_module.yml'),
    ruleYaml('t_module', '{method: kernel_module_disabled, module: cramfs}'),
  );
  const loaded = await loadRules([join(work, 'rules')]);
  expect(loaded.errors.map(String)).toEqual([]);
  rules = loaded.rules;
});

describe('configuration places collected from a real shell', () => {
  it('judges every check from complete data, and says where it looked', async () => {
    const r = await scanHost({ transport: new LocalShTransport(), rules, traversal: 'skip' });
    const by = new Map(r.results.map((x) => [x.rule_id, x]));
    expect(by.get('t_absent')).toMatchObject({
      status: 'pass',
      evidence: [{ observed: null, note: 'not present' }],
    });
    expect(by.get('t_required')).toMatchObject({ status: 'fail', evidence: [{ note: 'not present' }] });
    for (const id of ['t_coredump', 't_limits', 't_module']) {
      expect(['pass', 'fail'], `${id}: ${JSON.stringify(by.get(id))}`).toContain(by.get(id)?.status);
    }
    const coredump = JSON.stringify(by.get('t_coredump')?.evidence);
    const module = JSON.stringify(by.get('t_module')?.evidence);
    // Either the assignments found or, when none, every place searched.
    if (!coredump.includes('coredump.conf:'))
      expect(coredump).toContain('/usr/lib/systemd/coredump.conf.d/*.conf');
    if (!module.includes('.conf:')) expect(module).toContain('/run/modprobe.d/*.conf');
  });
});

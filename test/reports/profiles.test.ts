import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_RULES_DIR } from '../../core/node/paths.ts';
import {
  applyTailoring,
  contradictions,
  defaultProfileFor,
  expectedProfileFiles,
  generatedProfileFiles,
  loadProfiles,
  loadRules,
  parseRuleText,
  PROFILES_SUBDIR,
  TailoringSchema,
  type Profile,
  type Rule,
} from '../../engine/index.ts';
import { profileValues } from '../../engine/profiles/generate.ts';
import { runCli } from '../scan/cli-run.ts';
import { tempDir } from '../helpers/tmp.ts';

const PROFILES_DIR = join(BUNDLED_RULES_DIR, PROFILES_SUBDIR);

function rule(id: string, check: string, variables = ''): Rule {
  const text = `id: ${id}\ntitle: t\ndescription: d\nrationale: r\nseverity: low\ncategory: c\nreferences: {nist_800_53: [CM-6]}\n${variables}implementations:\n  - check: ${check}\nremediation: x\n`;
  const r = parseRuleText(`${id}.yml`, text, undefined).rule;
  if (!r) throw new Error(`bad test rule ${id}`);
  return r;
}

describe('benchmark profiles', () => {
  let rules: Rule[];
  let profiles: Profile[];
  beforeAll(async () => {
    rules = (await loadRules([BUNDLED_RULES_DIR])).rules;
    profiles = await loadProfiles(PROFILES_DIR);
  }, 60_000);

  it('the generated files are current (re-run `npm run gen:profiles` when this fails)', async () => {
    const want = await expectedProfileFiles(BUNDLED_RULES_DIR, PROFILES_DIR);
    const have = await generatedProfileFiles(PROFILES_DIR);
    expect([...have.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [name, text] of want) expect(have.get(name), name).toBe(text);
    expect(profiles.map((p) => p.id)).toEqual(
      expect.arrayContaining([
        'cis_debian12_l1_server',
        'cis_debian12_l2_workstation',
        'cis_ubuntu2404_l1_server',
        'cis_rhel9_l2_server',
        'stig_rhel9',
        'stig_ubuntu2404',
        'pci_dss_4',
        'openwatch_baseline',
      ]),
    );
  });

  it('every profile names only rules of the corpus, and Level 2 holds Level 1', () => {
    const known = new Set(rules.map((r) => r.id));
    for (const p of profiles)
      expect(
        p.rules.filter((r) => !known.has(r)),
        p.id,
      ).toEqual([]);
    const byId = new Map(profiles.map((p) => [p.id, new Set(p.rules)]));
    for (const bench of ['debian12', 'ubuntu2404', 'rhel9'])
      for (const kind of ['server', 'workstation']) {
        const l1 = byId.get(`cis_${bench}_l1_${kind}`) ?? new Set();
        const l2 = byId.get(`cis_${bench}_l2_${kind}`) ?? new Set();
        expect(l1.size).toBeGreaterThan(100);
        expect([...l1].filter((r) => !l2.has(r))).toEqual([]);
        expect(l2.size).toBeGreaterThan(l1.size);
      }
  });

  it('lists the corpus contradictions by setting, and no profile holds a contradicting pair', () => {
    const found = contradictions(rules).map((c) => `${c.setting}: ${c.rules.join(' vs ')}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'sshd loglevel: sshd_set_loglevel_info vs sshd_set_loglevel_verbose',
        '/etc/systemd/journald.conf ForwardToSyslog: journald_disable_forward_to_syslog vs journald_forward_to_syslog',
      ]),
    );
    const byId = new Map(rules.map((r) => [r.id, r]));
    for (const p of profiles) {
      const selected = p.rules.flatMap((id) => byId.get(id) ?? []);
      expect(contradictions(selected, profileValues(selected, p.variables)), p.id).toEqual([]);
    }
  });

  it('finds contradictions by value, range, package and service; compatible demands pass', () => {
    const r = [
      rule('a_info', '{method: sshd_config, key: loglevel, value: INFO}'),
      rule('b_verbose', '{method: sshd_config, key: loglevel, value: VERBOSE}'),
      rule('c_in', '{method: sshd_config, key: loglevel, op: in, value: [INFO, VERBOSE]}'),
      rule('d_le4', "{method: sshd_config, key: maxauthtries, op: '<=', value: 4}"),
      rule('e_ge5', "{method: sshd_config, key: maxauthtries, op: '>=', value: 5}"),
      rule('f_eq4', '{method: sshd_config, key: maxauthtries, value: 4}'),
      rule('g_pkg', '{method: package_installed, name: telnet}'),
      rule('h_nopkg', '{method: package_absent, name: telnet}'),
      rule('i_any', '{any: [{method: package_absent, name: rsh}, {method: package_installed, name: rsh}]}'),
      rule(
        'j_var',
        '{method: sysctl, key: kernel.x, value: {var: want}}',
        'variables:\n  want: {type: integer, default: 1, description: d}\n',
      ),
      rule('k_fixed', '{method: sysctl, key: kernel.x, value: 2}'),
    ];
    const pairs = contradictions(r).map(
      (c) => `${c.setting}: ${c.rules.join('/')} ${c.demands.join(' vs ')}`,
    );
    expect(pairs).toEqual([
      'package telnet: g_pkg/h_nopkg == installed vs == absent',
      'sshd loglevel: a_info/b_verbose == info vs == verbose',
      'sshd maxauthtries: d_le4/e_ge5 <= 4 vs >= 5',
      'sshd maxauthtries: e_ge5/f_eq4 >= 5 vs == 4',
      'sysctl kernel.x: j_var/k_fixed == 1 vs == 2',
    ]);
    // The profile's variable value decides: want=2 agrees with k_fixed.
    expect(contradictions(r.slice(9), new Map([['j_var', { want: 2 }]]))).toEqual([]);
  });

  it('tailoring extends a profile, removes and adds rules, sets variables; the OS picks a default', () => {
    const base = profiles.find((p) => p.id === 'cis_debian12_l1_server');
    if (!base) throw new Error('missing profile');
    const t = TailoringSchema.parse({
      id: 'site_debian',
      title: 'Our Debian servers',
      extends: 'cis_debian12_l1_server',
      remove: [base.rules[0]],
      add: ['sshd_set_loglevel_verbose'],
      variables: { account_inactive_days: 30 },
    });
    const tailored = applyTailoring(base, t);
    expect(tailored.rules).not.toContain(base.rules[0]);
    expect(tailored.rules).toContain('sshd_set_loglevel_verbose');
    expect(tailored.rules).toHaveLength(base.rules.length);
    expect(tailored.variables).toMatchObject({ account_inactive_days: 30 });
    expect(defaultProfileFor(profiles, { family: 'debian', version: '12.8' })?.id).toBe(
      'cis_debian12_l1_server',
    );
    expect(defaultProfileFor(profiles, { family: 'rhel', version: '9.4' })?.id).toBe('cis_rhel9_l1_server');
    expect(defaultProfileFor(profiles, { family: 'ubuntu', version: '24.04' })?.id).toBe(
      'cis_ubuntu2404_l1_server',
    );
    expect(defaultProfileFor(profiles, { family: 'debian', version: '11' })).toBeUndefined();
  });

  it('openwatch scan --profile runs exactly the profile; --tailoring removes and adds rules', async () => {
    const base = profiles.find((p) => p.id === 'openwatch_baseline');
    if (!base) throw new Error('missing profile');
    const run = async (...args: string[]) => {
      const r = await runCli(['scan', '--local', '--traversal', 'skip', '--format', 'json', ...args]);
      expect(r.code, r.stderr).not.toBe(2);
      return (JSON.parse(r.stdout) as { results: { rule_id: string }[] }).results
        .map((x) => x.rule_id)
        .sort();
    };
    expect(await run('--profile', 'openwatch_baseline')).toEqual([...base.rules].sort());
    const dir = tempDir('tailoring');
    const file = join(dir, 'site.yml');
    writeFileSync(
      file,
      `id: site\ntitle: Site baseline\nextends: openwatch_baseline\nremove: [${base.rules[0]}, ${base.rules[1]}]\nadd: [sshd_set_loglevel_verbose]\n`,
    );
    const tailored = await run('--tailoring', file);
    expect(tailored).toEqual([...base.rules.slice(2), 'sshd_set_loglevel_verbose'].sort());
    const bad = await runCli(['scan', '--local', '--profile', 'no_such_profile']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown profile 'no_such_profile'");
    writeFileSync(
      file,
      'id: site\ntitle: x\nextends: openwatch_baseline\nremove: [nope_not_a_rule]\nadd: [nope_not_a_rule]\n',
    );
    const stale = await runCli(['scan', '--local', '--tailoring', file]);
    expect(stale.code).toBe(2);
    expect(stale.stderr).toContain('names rules that are not in the corpus: nope_not_a_rule');
  }, 120_000);
});

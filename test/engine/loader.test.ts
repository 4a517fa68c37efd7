import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatLoadErrors, loadRules, selectRules } from '../../engine/index.ts';

const GOOD = `id: sshd_x
title: Test rule
description: A test.
rationale: Because.
severity: high
category: ssh
references:
  cis:
    debian12: ["5.1.20"]
  cac: sshd_disable_root_login
implementations:
  - check:
      method: sshd_config
      key: permitrootlogin
      value: "no"
remediation: Fix it.
`;

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ow-rules-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

async function errorsOf(files: Record<string, string>): Promise<string[]> {
  const dir = tree(files);
  const { errors } = await loadRules([dir]);
  return formatLoadErrors(errors)
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.replace(`${dir}/`, ''));
}

describe('loadRules', () => {
  it('loads a valid rule and normalises cac to a list', async () => {
    const { rules, errors } = await loadRules([tree({ 'ssh/sshd_x.yml': GOOD })]);
    expect(errors).toEqual([]);
    expect(rules[0]?.references.cac).toEqual(['sshd_disable_root_login']);
    expect(rules[0]?.implementations[0]?.check).toEqual({
      method: 'sshd_config',
      params: { key: 'permitrootlogin', value: 'no' },
    });
  });

  it('reports every error of every file with file, line and field', async () => {
    const bad = GOOD.replace('debian12: ["5.1.20"]', 'debian12: "5.1.20"')
      .replace('severity: high', 'severity: severe\ncolour: red')
      .replace('title: Test rule\n', '')
      .replace('      value: "no"', '      value: "no"\n      matchh: {user: root}');
    const other = GOOD.replace('id: sshd_x', 'id: sshd_y').replace(
      'method: sshd_config',
      'method: sshd_conf',
    );
    expect(await errorsOf({ 'ssh/sshd_x.yml': bad, 'ssh/sshd_y.yml': other })).toEqual([
      'ssh/sshd_x.yml:1: title: required field missing',
      'ssh/sshd_x.yml:4: severity: expected one of low, medium, high, critical',
      'ssh/sshd_x.yml:5: colour: unknown field',
      'ssh/sshd_x.yml:9: references.cis.debian12: expected array, received string',
      'ssh/sshd_x.yml:16: implementations[0].check.matchh: unknown field',
      'ssh/sshd_y.yml:13: implementations[0].check.method: unknown method "sshd_conf"',
    ]);
  });

  it('pins naming, framework and ordering rules', async () => {
    const r = GOOD.replace('category: ssh', 'category: sysctl')
      .replace(
        'references:\n  cis:\n    debian12: ["5.1.20"]\n  cac: sshd_disable_root_login',
        'references:\n  cac: [sshd_disable_root_login]',
      )
      .replace(
        'implementations:\n',
        'implementations:\n  - check: {method: package_installed, name: openssh-server}\n',
      );
    expect(await errorsOf({ 'ssh/other_name.yml': r })).toEqual([
      'ssh/other_name.yml:1: id: must equal the file name stem "other_name"',
      'ssh/other_name.yml:6: category: must equal the directory name "ssh"',
      'ssh/other_name.yml:7: references: must cite at least one framework (cis, stig, nist_800_53, pci_dss_4)',
      'ssh/other_name.yml:10: implementations[0]: the default implementation (no when) must be the last one',
    ]);
  });

  it('checks parameters, variables and capabilities inside checks', async () => {
    const r = GOOD.replace(
      'implementations:\n  - check:\n      method: sshd_config\n      key: permitrootlogin\n      value: "no"',
      `variables:
  tries: {type: integer, default: "four", description: Max.}
implementations:
  - when: {all: [sshd, systemd]}
    check:
      all:
        - {method: sshd_config, key: MaxAuthTries, op: "<=", value: {var: tries}}
        - {method: sysctl, key: net.ipv4.ip_forward, op: regex, value: "([", runtime: true}
        - {method: file_permissions, path: "/etc/$(reboot)[x;y]", mode: "0644"}
        - {method: config_value, path: relative/path, key: k, value: {var: nope}}`,
    );
    expect(await errorsOf({ 'ssh/sshd_x.yml': r })).toEqual([
      'ssh/sshd_x.yml:12: variables.tries.default: must be of type integer',
      'ssh/sshd_x.yml:17: implementations[0].check.all[0].key: must be a lowercase sshd keyword, as sshd -T prints it',
      'ssh/sshd_x.yml:18: implementations[0].check.all[1]: value: invalid regex: Invalid regular expression: /([/: Unterminated character class',
      'ssh/sshd_x.yml:19: implementations[0].check.all[2].path: bracket expressions may only hold letters, digits and . _ - (optionally negated with !)',
      'ssh/sshd_x.yml:20: implementations[0].check.all[3].value: unknown variable "nope" (declare it under variables)',
    ]);
  });

  it('names an unknown capability', async () => {
    const r = GOOD.replace(
      'implementations:\n  - check:',
      'implementations:\n  - when: {all: [sshd, systemdd]}\n    check:',
    );
    expect(await errorsOf({ 'ssh/sshd_x.yml': r })).toEqual([
      'ssh/sshd_x.yml:12: implementations[0].when: expected a capability name (docs/rules.md lists them) or {all: […]}, {any: […]}, {not: …}',
    ]);
  });

  it('reports YAML syntax errors with their line', async () => {
    expect(
      await errorsOf({ 'ssh/sshd_x.yml': GOOD.replace('severity: high', 'severity: high\nseverity: low') }),
    ).toEqual(['ssh/sshd_x.yml:6: YAML: Map keys must be unique']);
  });

  it('lets a later directory override a rule by id and add new ones', async () => {
    const bundled = tree({ 'ssh/sshd_x.yml': GOOD });
    const user = tree({
      'sshd_x.yml': GOOD.replace('severity: high', 'severity: low'),
      'ssh/sshd_z.yml': GOOD.replace('id: sshd_x', 'id: sshd_z'),
    });
    const { rules, errors } = await loadRules([bundled, user]);
    expect(errors).toEqual([]);
    expect(rules.map((r) => [r.id, r.severity])).toEqual([
      ['sshd_x', 'low'],
      ['sshd_z', 'high'],
    ]);
  });

  it('reports a missing directory instead of throwing', async () => {
    const { errors } = await loadRules(['/nonexistent/rules']);
    expect(errors[0]?.toString()).toMatch(/^\/nonexistent\/rules:0: cannot read rules directory/);
  });
});

describe('selectRules', () => {
  it('filters by framework (with benchmark), severity, category and id', async () => {
    const { rules } = await loadRules([join(import.meta.dirname, '../../rules')]);
    const cisDeb = selectRules(rules, { frameworks: ['cis:debian12'] });
    expect(cisDeb.length).toBeGreaterThan(30);
    expect(cisDeb.every((r) => (r.references.cis?.debian12?.length ?? 0) > 0)).toBe(true);
    expect(selectRules(rules, { frameworks: ['cis:rhel9'] }).map((r) => r.id)).toContain('selinux_state');
    expect(selectRules(rules, { frameworks: ['cis:rhel9'] }).map((r) => r.id)).not.toContain(
      'sshd_disable_root_login',
    );
    expect(
      selectRules(rules, { categories: ['ssh'], severities: ['high'] }).every(
        (r) => r.category === 'ssh' && r.severity === 'high',
      ),
    ).toBe(true);
    expect(selectRules(rules, { ids: ['sshd_disable_root_login'] })).toHaveLength(1);
  });
});

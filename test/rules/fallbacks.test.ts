import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRules, METHODS, parseRuleText, type CheckNode, type Rule } from '../../engine/index.ts';

/**
 * "No rule passes on a fallback weaker than its primary check", made precise.
 *
 * A rule's first implementation is its primary check; every later one is a fallback, used where the
 * primary's `when` does not hold (another package manager, no systemd, no auditctl …). Each check method
 * produces one kind of evidence (its family below). A fallback is WEAKER when one of its leaves produces a
 * kind of evidence the primary never looks at: it could then pass on something the primary does not
 * accept as proof — "the audit package is installed" instead of "the audit rule is there". A fallback may
 * use the same methods (other files, another stack: RHEL's system-auth for Debian's common-auth) or the
 * same family (a PAM setting read with `file_content` instead of `pam_module`), or fewer checks of them.
 */
const FAMILY: Readonly<Record<string, string>> = {
  sshd_config: 'configuration',
  sysctl: 'configuration',
  config_value: 'configuration',
  file_content: 'configuration',
  login_defs: 'configuration',
  pam_module: 'configuration',
  pam_faillock: 'configuration',
  sudoers: 'configuration',
  kernel_cmdline: 'configuration',
  kernel_module_disabled: 'configuration',
  selinux_state: 'configuration',
  apparmor_state: 'configuration',
  pam_limits: 'configuration',
  systemd_conf: 'configuration',
  mount_option: 'mounts',
  separate_partition: 'mounts',
  audit_rule: 'audit rules',
  package_installed: 'software present',
  package_absent: 'software present',
  service_enabled: 'services',
  service_disabled: 'services',
  service_active: 'services',
  file_exists: 'files',
  file_absent: 'files',
  file_permissions: 'files',
  fs_walk: 'files',
  shadow_policy: 'accounts',
  accounts: 'accounts',
  group_members: 'accounts',
  listening_port: 'network',
  command: 'command output',
};

function methods(n: CheckNode): string[] {
  if ('method' in n) return [n.method];
  if ('all' in n) return n.all.flatMap(methods);
  if ('any' in n) return n.any.flatMap(methods);
  return methods(n.not);
}

/** Each fallback that uses a family of evidence its rule's primary check does not: `rule#n: method`. */
function weakerFallbacks(rule: Rule): string[] {
  const [primary, ...fallbacks] = rule.implementations;
  if (!primary) return [];
  const allowed = new Set(methods(primary.check).map((m) => FAMILY[m]));
  return fallbacks.flatMap((impl, i) =>
    methods(impl.check)
      .filter((m) => !allowed.has(FAMILY[m]))
      .map((m) => `${rule.id}#${i + 2}: ${m} (${FAMILY[m] ?? 'unclassified'}) where the primary checks ${[...allowed].join(', ')}`),
  );
}

const { rules } = await loadRules([join(import.meta.dirname, '../../rules')]);

describe('fallback implementations', () => {
  it('classifies every check method', () => {
    expect(METHODS.map((m) => m.name).filter((n) => FAMILY[n] === undefined)).toEqual([]);
  });

  it('no rule in the corpus has a fallback weaker than its primary check', () => {
    expect(rules.flatMap(weakerFallbacks)).toEqual([]);
  });

  it('flags "package installed" standing in for an audit rule', () => {
    const { rule, errors } = parseRuleText(
      'rules/audit/weak_fallback.yml',
      `id: weak_fallback
title: t
description: d
rationale: r
severity: low
category: audit
references: {nist_800_53: [AU-2]}
implementations:
  - when: auditd
    check: {method: audit_rule, rule: -w /etc/passwd -p wa -k identity}
  - check: {method: package_installed, name: auditd}
remediation: r
`,
      'audit',
    );
    expect(errors).toEqual([]);
    if (!rule) throw new Error('the synthetic rule did not load');
    expect(weakerFallbacks(rule)).toEqual([
      'weak_fallback#2: package_installed (software present) where the primary checks audit rules',
    ]);
  });
});

/**
 * A scenario's `# variables = name=value` line, in our terms. Each ComplianceAsCode variable maps to the
 * variable of ours that means the same thing (with the value rewritten where the forms differ); one that
 * maps to nothing is comparable only when our rule checks that very value anyway (a sysctl rule's fixed
 * value), otherwise the scenario is "not comparable: variable": never guessed.
 */
import type { Rule } from '../../engine/index.ts';

type Rewrite = (value: string) => string;
const same: Rewrite = (v) => v.trim();
const alternatives: Rewrite = (v) => v.trim().split('|').join(',');

/** ComplianceAsCode variable → [our variable, value rewrite]. */
const MAPPED: Record<string, [string, Rewrite]> = {
  sshd_idle_timeout_value: ['sshd_idle_timeout', same],
  sshd_max_auth_tries_value: ['max_auth_tries', same],
  sysctl_kernel_kptr_restrict_value: ['kptr_restrict_value', same],
  var_account_disable_post_pw_expiration: ['account_inactive_days', same],
  var_accounts_maximum_age_login_defs: ['max_password_age', same],
  var_accounts_minimum_age_login_defs: ['pass_min_days', same],
  var_accounts_password_warn_age_login_defs: ['pass_warn_age', same],
  var_accounts_tmout: ['shell_timeout', same],
  var_accounts_user_umask: ['user_umask', same],
  var_audit_backlog_limit: ['audit_backlog_limit', same],
  var_auditd_disk_error_action: ['auditd_disk_error_actions', alternatives],
  var_auditd_disk_full_action: ['auditd_disk_full_actions', alternatives],
  var_pam_wheel_group_for_su: ['su_group', same],
  var_password_hashing_algorithm: ['password_hashing_algorithms', alternatives],
  var_password_hashing_algorithm_pam: ['libuser_crypt_style', same],
  var_password_pam_dcredit: ['pam_dcredit', same],
  var_password_pam_difok: ['pam_difok', same],
  var_password_pam_lcredit: ['pam_lcredit', same],
  var_password_pam_ocredit: ['pam_ocredit', same],
  var_password_pam_ucredit: ['pam_ucredit', same],
  var_password_pam_maxclassrepeat: ['pam_maxclassrepeat', same],
  var_password_pam_maxrepeat: ['pam_maxrepeat', same],
  var_password_pam_maxsequence: ['pam_maxsequence', same],
  var_password_pam_minclass: ['pam_minclass', same],
  var_password_pam_minlen: ['minlen', same],
  var_password_pam_delay: ['pam_fail_delay', same],
  var_selinux_policy_name: ['selinux_policy_name', same],
  var_sshd_disable_compression: ['sshd_compression', same],
  var_sshd_max_sessions: ['sshd_max_sessions', same],
  var_sshd_set_keepalive: ['sshd_keepalive_count', same],
  var_sshd_set_login_grace_time: ['sshd_login_grace_time', same],
  var_sudo_timestamp_timeout: ['sudo_timestamp_timeout', same],
};

/** Every `value:` of a sysctl check in the rule: the fixed value a `sysctl_<key>_value` must equal. */
function sysctlValues(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) sysctlValues(n, out);
  else if (typeof node === 'object' && node !== null) {
    const o = node as Record<string, unknown>;
    const params = o.params as Record<string, unknown> | undefined;
    const v = params?.value;
    if (o.method === 'sysctl' && (typeof v === 'number' || typeof v === 'string')) out.push(String(v));
    for (const v of Object.values(o)) sysctlValues(v, out);
  }
  return out;
}

/** The one value every sysctl check of the rule requires, if it has such checks and no variable. */
export function fixedSysctlValue(rule: Rule): string | undefined {
  const values = [...new Set(sysctlValues(rule.implementations))];
  return values.length === 1 && Object.keys(rule.variables).length === 0 ? values[0] : undefined;
}

export type VariableMapping = { vars: Record<string, string> } | { reason: string };

export function mapVariables(rule: Rule, cac: ReadonlyArray<readonly [string, string]>): VariableMapping {
  const vars: Record<string, string> = {};
  for (const [rawName, value] of cac) {
    const name = rawName.trim();
    const mapped = MAPPED[name];
    if (mapped && mapped[0] in rule.variables) {
      vars[`${rule.id}.${mapped[0]}`] = mapped[1](value);
      continue;
    }
    if (/^sysctl_.*_value$/.test(name) && fixedSysctlValue(rule) === value.trim()) continue;
    return { reason: `${name}=${value.trim()} has no equivalent in ${rule.id}` };
  }
  return { vars };
}

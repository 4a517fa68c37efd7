import { isGlob } from '../facts/glob.ts';
import { isLeaf, type CheckLeaf, type CheckNode, type Rule } from '../rules/types.ts';
import { substitute } from '../rules/variables.ts';
import type { VariableValue } from '../rules/types.ts';
import { shellCommand, shq } from '../shell/quote.ts';

type Params = Record<string, unknown>;

const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;

/** An owner given as a list accepts any of them; the fix sets the first. */
const owner = (v: unknown): string | undefined => str(Array.isArray(v) ? (v as unknown[])[0] : v);

const pkg = (verb: 'install' | 'remove', name: string) =>
  `if command -v apt-get >/dev/null; then ${shellCommand(['apt-get', verb === 'install' ? 'install' : 'purge', '-y', name])}; ` +
  `else ${shellCommand(['dnf', verb, '-y', name])}; fi`;

/** Equality only: a threshold (`<=`) says what is acceptable, not which value to write. */
const equality = (p: Params) => p.op === undefined || p.op === '==' || p.op === '=';

const FIXERS: Record<string, (p: Params) => string[] | undefined> = {
  sysctl(p) {
    const key = str(p.key);
    const value = str(p.value);
    if (key === undefined || value === undefined || !equality(p)) return undefined;
    return [
      `printf '%s\\n' ${shq(`${key} = ${value}`)} >> /etc/sysctl.d/99-openwatch.conf`,
      shellCommand(['sysctl', '-w', `${key}=${value}`]),
    ];
  },
  file_permissions(p) {
    const path = str(p.path);
    if (path === undefined || isGlob(path)) return undefined;
    const out: string[] = [];
    const mode = str(p.mode);
    const user = owner(p.owner);
    const group = owner(p.group);
    if (user !== undefined) out.push(shellCommand(['chown', user, path]));
    if (group !== undefined) out.push(shellCommand(['chgrp', group, path]));
    if (mode !== undefined) out.push(shellCommand(['chmod', mode, path]));
    return out;
  },
  package_installed: (p) => (str(p.name) === undefined ? undefined : [pkg('install', String(p.name))]),
  package_absent: (p) => (str(p.name) === undefined ? undefined : [pkg('remove', String(p.name))]),
  service_disabled(p) {
    const unit = str(p.unit);
    if (unit === undefined) return undefined;
    const off = shellCommand(['systemctl', 'disable', '--now', unit]);
    return p.require_masked === true ? [off, shellCommand(['systemctl', 'mask', unit])] : [off];
  },
  service_enabled: (p) =>
    str(p.unit) === undefined ? undefined : [shellCommand(['systemctl', 'enable', '--now', String(p.unit)])],
  service_active: (p) =>
    str(p.unit) === undefined ? undefined : [shellCommand(['systemctl', 'enable', '--now', String(p.unit)])],
  kernel_module_disabled(p) {
    const m = str(p.module);
    if (m === undefined) return undefined;
    return [
      `printf 'install %s /bin/false\\nblacklist %s\\n' ${shq(m)} ${shq(m)} > ${shq(`/etc/modprobe.d/${m}.conf`)}`,
      `${shellCommand(['modprobe', '-r', m])} 2>/dev/null || true`,
    ];
  },
};

function leaves(n: CheckNode): CheckLeaf[] | undefined {
  if (isLeaf(n)) return [n];
  if ('all' in n) {
    const out: CheckLeaf[] = [];
    for (const k of n.all) {
      const l = leaves(k);
      if (l === undefined) return undefined;
      out.push(...l);
    }
    return out;
  }
  return undefined; // `any` and `not` leave the choice of fix to a person
}

/**
 * A shell fix for a rule whose every check is a setting we know how to write (sysctl, file mode and
 * ownership, packages, services, kernel modules), with each argument quoted. Shown as text only:
 * OpenWatch never runs it. Undefined when any part of the check needs a person's judgement.
 */
export function shellFix(
  rule: Rule,
  values: Readonly<Record<string, VariableValue>> = {},
): string | undefined {
  const impl = rule.implementations[0];
  if (impl === undefined) return undefined;
  const defaults = Object.fromEntries(Object.entries(rule.variables).map(([k, v]) => [k, v.default]));
  const list = leaves(impl.check);
  if (list === undefined) return undefined;
  const lines: string[] = [];
  for (const leaf of list) {
    const fixer = FIXERS[leaf.method];
    const p = substitute(leaf.params, { ...defaults, ...values }) as Params;
    const cmds = fixer?.(p);
    if (cmds === undefined || cmds.length === 0) return undefined;
    for (const c of cmds) if (!lines.includes(c)) lines.push(c);
  }
  return lines.join('\n');
}

import { isComment, numberedLines } from './lines.ts';

/** One audit rule in a structure that makes equivalent spellings equal. */
export type AuditRule =
  | { kind: 'watch'; path: string; perms: Set<string>; key?: string }
  | {
      kind: 'syscall';
      /** `always,exit` regardless of the order written. */
      listAction: string;
      arch?: string;
      /** Empty = every syscall (no -S, or -S all). */
      syscalls: Set<string>;
      /** Normalised `-F` fields except arch and key, plus `-C` comparisons. */
      fields: Set<string>;
      key?: string;
    }
  | { kind: 'control'; flag: string; value: string };

export interface LocatedRule {
  rule: AuditRule;
  text: string;
  source: string;
}

const UNSET = new Set(['-1', '4294967295', 'unset']);

/**
 * auditctl stores a directory watch without its trailing slash (`-w /etc/sudoers.d/` is listed as
 * `-w /etc/sudoers.d`), and the same holds for `-F dir=` / `-F path=`; compare paths in that form.
 */
export function normAuditPath(path: string): string {
  const p = path.replace(/\/+$/, '');
  return p === '' && path !== '' ? '/' : p;
}

/**
 * Numeric field values in the bases auditctl reads and prints (`0x1f`, `31`) in one canonical decimal form,
 * so `-F a0=0x0` equals `-F a0=0`. A decimal with a leading zero is left alone (strtol base 0 reads it as
 * octal), as is anything that is not a plain number (`-EACCES`, `unset`).
 */
function normNumber(value: string): string {
  const m = /^(-?)(?:0[xX]([0-9a-fA-F]+)|(0|[1-9][0-9]*))$/.exec(value);
  if (!m) return value;
  const n = m[2] !== undefined ? BigInt(`0x${m[2]}`) : BigInt(m[3] ?? '0');
  return n === 0n ? '0' : `${m[1]}${n}`;
}

function normField(f: string): string {
  const m = /^([a-z0-9_]+)(!=|>=|<=|=|>|<|&=|&)(.*)$/.exec(f);
  if (!m) return f;
  const [, name = '', op = '', value = ''] = m;
  if (name === 'path' || name === 'dir') return `${name}${op}${normAuditPath(value)}`;
  const n = normNumber(value);
  const v = (name === 'auid' || name === 'uid' || name === 'euid') && UNSET.has(n) ? 'unset' : n;
  return `${name}${op}${v}`;
}

function normCompare(c: string): string {
  const m = /^([a-z]+)(!=|=)([a-z]+)$/.exec(c);
  if (!m) return `C:${c}`;
  const [a = '', b = ''] = [m[1], m[3]].sort();
  return `C:${a}${m[2]}${b}`;
}

function tokens(text: string): string[] {
  return text
    .trim()
    .split(/\s+/)
    .filter((t) => t !== '');
}

/** Parses one auditctl rule (`-w …`, `-a …`, `-e 2`); undefined for lines that are not rules. */
export function parseAuditRule(text: string): AuditRule | undefined {
  const t = tokens(text);
  if (t[0] === '-w') {
    let perms = 'rwxa';
    let key: string | undefined;
    for (let i = 2; i < t.length; i++) {
      if (t[i] === '-p') perms = t[++i] ?? '';
      else if (t[i] === '-k') key = t[++i];
      else if (t[i] === '-F' && t[i + 1]?.startsWith('key=')) key = t[++i]?.slice(4);
    }
    return { kind: 'watch', path: normAuditPath(t[1] ?? ''), perms: new Set(perms.split('')), key };
  }
  if (t[0] === '-a' || t[0] === '-A') {
    const listAction = (t[1] ?? '').split(',').sort().join(',');
    const syscalls = new Set<string>();
    const fields = new Set<string>();
    let arch: string | undefined;
    let key: string | undefined;
    let path: string | undefined;
    let perm: string | undefined;
    for (let i = 2; i < t.length; i++) {
      const flag = t[i];
      const arg = t[++i] ?? '';
      if (flag === '-S') for (const s of arg.split(',')) syscalls.add(s);
      else if (flag === '-k') key = arg;
      else if (flag === '-C') fields.add(normCompare(arg));
      else if (flag === '-F') {
        if (arg.startsWith('arch=')) arch = arg.slice(5);
        else if (arg.startsWith('key=')) key = arg.slice(4);
        else {
          if (arg.startsWith('path=') || arg.startsWith('dir='))
            path = normAuditPath(arg.slice(arg.indexOf('=') + 1));
          if (arg.startsWith('perm=')) perm = arg.slice(5);
          fields.add(normField(arg));
        }
      }
    }
    syscalls.delete('all');
    // A path rule without syscall filter is how the kernel stores a watch.
    if (
      path !== undefined &&
      perm !== undefined &&
      syscalls.size === 0 &&
      arch === undefined &&
      fields.size === 2
    ) {
      return { kind: 'watch', path, perms: new Set(perm.split('')), key };
    }
    return { kind: 'syscall', listAction, arch, syscalls, fields, key };
  }
  if (t[0] === '-e' || t[0] === '-f' || t[0] === '-b')
    return { kind: 'control', flag: t[0], value: t[1] ?? '' };
  return undefined;
}

export function parseAuditRules(file: string, text: string): LocatedRule[] {
  const out: LocatedRule[] = [];
  for (const l of numberedLines(text)) {
    if (isComment(l.text)) continue;
    const rule = parseAuditRule(l.text);
    if (rule) out.push({ rule, text: l.text.trim(), source: `${file}:${l.n}` });
  }
  return out;
}

function subset(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return [...a].every((x) => b.has(x));
}

/**
 * The actual rule's `-F` filters are exactly the wanted ones: a missing filter records what the benchmark
 * excludes, and an extra one (`-F a2&0100`, `-F a0=0x1`) narrows the rule so that it records less than
 * required. Two exceptions: a `perm=` with more letters than wanted (`perm=rx` for `perm=x`) widens the rule;
 * and the login-uid pair `auid>=1000 auid!=unset` that CIS adds to every syscall rule is accepted as an
 * extra, as ComplianceAsCode's checks accept it.
 */
const CIS_AUID = new Set(['auid>=1000', 'auid!=unset']);

function fieldsCovered(want: ReadonlySet<string>, actual: ReadonlySet<string>): boolean {
  const perm = (set: ReadonlySet<string>) => [...set].find((f) => f.startsWith('perm='));
  const rest = (set: ReadonlySet<string>) => [...set].filter((f) => !f.startsWith('perm='));
  const extra = rest(actual).filter((f) => !want.has(f));
  if (!rest(want).every((f) => actual.has(f)) || !extra.every((f) => CIS_AUID.has(f))) return false;
  const wantPerm = perm(want);
  const actualPerm = perm(actual);
  if (wantPerm === undefined || actualPerm === undefined) return wantPerm === actualPerm;
  const have = new Set(actualPerm.slice(5).split(''));
  return wantPerm
    .slice(5)
    .split('')
    .every((c) => have.has(c));
}

/**
 * The actual rules that together cover `want`: for a watch, one rule; for a syscall rule, one rule per
 * expected syscall. Returns undefined when something is not covered.
 */
export function findCoverage(
  want: AuditRule,
  actual: readonly LocatedRule[],
  matchKey: boolean,
): LocatedRule[] | undefined {
  const keyOk = (k: string | undefined): boolean => !matchKey || want.kind === 'control' || k === want.key;
  if (want.kind === 'control') {
    const hit = actual.filter((a) => a.rule.kind === 'control' && a.rule.flag === want.flag).pop();
    return hit && hit.rule.kind === 'control' && hit.rule.value === want.value ? [hit] : undefined;
  }
  if (want.kind === 'watch') {
    const hit = actual.find(
      (a) =>
        a.rule.kind === 'watch' &&
        a.rule.path === want.path &&
        subset(want.perms, a.rule.perms) &&
        keyOk(a.rule.key),
    );
    return hit ? [hit] : undefined;
  }
  const candidates = actual.filter(
    (a) =>
      a.rule.kind === 'syscall' &&
      a.rule.listAction === want.listAction &&
      a.rule.arch === want.arch &&
      fieldsCovered(want.fields, a.rule.fields) &&
      keyOk(a.rule.key),
  );
  if (want.syscalls.size === 0) {
    const hit = candidates.find((a) => a.rule.kind === 'syscall' && a.rule.syscalls.size === 0);
    return hit ? [hit] : undefined;
  }
  const used: LocatedRule[] = [];
  for (const s of want.syscalls) {
    const hit = candidates.find(
      (a) => a.rule.kind === 'syscall' && (a.rule.syscalls.size === 0 || a.rule.syscalls.has(s)),
    );
    if (!hit) return undefined;
    if (!used.includes(hit)) used.push(hit);
  }
  return used;
}

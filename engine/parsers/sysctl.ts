import { isComment, numberedLines } from './lines.ts';

/** sysctl.d directories in priority order: for one basename the earliest directory wins. */
export const SYSCTL_DIRS = [
  '/etc/sysctl.d',
  '/run/sysctl.d',
  '/usr/local/lib/sysctl.d',
  '/usr/lib/sysctl.d',
  '/lib/sysctl.d',
];
export const SYSCTL_CONF = '/etc/sysctl.conf';

export interface SysctlAssignment {
  key: string;
  value: string;
  file: string;
  line: number;
  /**
   * A `-key` line without `=`: systemd-sysctl's exclusion, which keeps glob assignments (`net.ipv4.conf.*.x`)
   * from applying to that key and sets nothing itself. `value` is ''.
   */
  exclude?: true;
}

export function normalizeSysctlKey(key: string): string {
  // systemd accepts "/" as separator; when the first separator is "/" the rest uses "/" too.
  const k = key.trim();
  const slash = k.indexOf('/');
  const dot = k.indexOf('.');
  return slash !== -1 && (dot === -1 || slash < dot) ? k.replace(/\//g, '.') : k;
}

export function normalizeSysctlValue(v: string): string {
  return v.trim().replace(/\s+/g, ' ');
}

function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}

function baseOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Orders sysctl configuration files the way systemd-sysctl reads them: one file per basename (earliest
 * directory wins), winners by basename. /etc/sysctl.conf is not among them: systemd-sysctl reaches it only
 * through `/etc/sysctl.d/99-sysctl.conf` (a link on Debian and RHEL), which sorts like any other file.
 */
export function orderSysctlFiles(paths: readonly string[]): string[] {
  const winners = new Map<string, { path: string; prio: number }>();
  for (const p of paths) {
    const prio = SYSCTL_DIRS.indexOf(dirOf(p));
    if (prio === -1 || !p.endsWith('.conf')) continue;
    const b = baseOf(p);
    const cur = winners.get(b);
    if (!cur || prio < cur.prio) winners.set(b, { path: p, prio });
  }
  return [...winners.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, w]) => w.path);
}

export function parseSysctlFile(file: string, text: string): SysctlAssignment[] {
  const out: SysctlAssignment[] = [];
  for (const l of numberedLines(text)) {
    if (isComment(l.text, '#;')) continue;
    const eq = l.text.indexOf('=');
    if (eq === -1) {
      const t = l.text.trim();
      if (t.startsWith('-') && t.length > 1)
        out.push({ key: normalizeSysctlKey(t.slice(1)), value: '', file, line: l.n, exclude: true });
      continue;
    }
    let key = l.text.slice(0, eq).trim();
    if (key.startsWith('-')) key = key.slice(1).trim();
    out.push({
      key: normalizeSysctlKey(key),
      value: normalizeSysctlValue(l.text.slice(eq + 1)),
      file,
      line: l.n,
    });
  }
  return out;
}

function keyMatches(pattern: string, key: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern === key;
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(key);
}

export interface SysctlLookup {
  /** The assignment systemd-sysctl applies to the key, if any. */
  effective: SysctlAssignment | undefined;
  /** Every assignment whose key or glob matches, in the order read (exclusions not included). */
  all: SysctlAssignment[];
  /** The exclusion that keeps glob assignments off this key, when one is in effect. */
  excludedBy?: SysctlAssignment;
}

/** The configured value of `key` across the files, with every assignment seen. */
export function configuredSysctl(files: ReadonlyMap<string, string>, key: string): SysctlLookup {
  return lookupSysctl(sysctlAssignments(files), key);
}

/** Every assignment and exclusion of the configuration, in the order they are read. */
export function sysctlAssignments(files: ReadonlyMap<string, string>): SysctlAssignment[] {
  return orderSysctlFiles([...files.keys()]).flatMap((path) => parseSysctlFile(path, files.get(path) ?? ''));
}

/**
 * Every assignment a boot or `sysctl --system` gives the kernel, in the order read: systemd-sysctl's files,
 * then /etc/sysctl.conf when no identical `99-sysctl.conf` already brought it in. procps' `sysctl --system`
 * (the command CIS's remediation runs) reads /etc/sysctl.conf after the directories, and CIS's audit and
 * ComplianceAsCode's checks read it, so a value there counts as configured even without the link.
 */
export function sysctlConfiguration(files: ReadonlyMap<string, string>): SysctlAssignment[] {
  const applied = sysctlAssignments(files);
  const conf = files.get(SYSCTL_CONF);
  const linked = conf !== undefined && files.get(`${SYSCTL_DIRS[0] ?? ''}/99-sysctl.conf`) === conf;
  return conf === undefined || linked ? applied : [...applied, ...parseSysctlFile(SYSCTL_CONF, conf)];
}

/**
 * systemd-sysctl's resolution: entries are keyed by their literal key (a later entry for the same key replaces
 * an earlier one, unless the value is identical), then applied in order. A key with an entry of its own is
 * never written by a glob pattern: an assignment sets it (wherever it is, before or after the glob), an
 * exclusion (`-key`, no `=`) leaves it unset by the configuration. Otherwise the last glob entry matching it
 * wins.
 */
export function lookupSysctl(assignments: readonly SysctlAssignment[], key: string): SysctlLookup {
  const want = normalizeSysctlKey(key);
  const entries = new Map<string, SysctlAssignment>();
  for (const a of assignments) {
    const cur = entries.get(a.key);
    if (cur && !cur.exclude && !a.exclude && cur.value === a.value) continue;
    entries.delete(a.key);
    entries.set(a.key, a);
  }
  const all = assignments.filter((a) => !a.exclude && keyMatches(a.key, want));
  const exact = entries.get(want);
  if (exact)
    return exact.exclude ? { effective: undefined, all, excludedBy: exact } : { effective: exact, all };
  let effective: SysctlAssignment | undefined;
  for (const e of entries.values())
    if (!e.exclude && e.key !== want && keyMatches(e.key, want)) effective = e;
  return { effective, all };
}

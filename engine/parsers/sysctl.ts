import { isComment, numberedLines } from './lines.ts';

/** sysctl.d directories in priority order: for one basename the earliest directory wins. */
export const SYSCTL_DIRS = ['/etc/sysctl.d', '/run/sysctl.d', '/usr/local/lib/sysctl.d', '/usr/lib/sysctl.d', '/lib/sysctl.d'];
export const SYSCTL_CONF = '/etc/sysctl.conf';

export interface SysctlAssignment {
  key: string;
  value: string;
  file: string;
  line: number;
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
 * Orders sysctl configuration files the way `sysctl --system` / systemd-sysctl read them: one file per
 * basename (earliest directory wins), winners by basename, /etc/sysctl.conf last.
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
  const ordered = [...winners.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, w]) => w.path);
  if (paths.includes(SYSCTL_CONF)) ordered.push(SYSCTL_CONF);
  return ordered;
}

export function parseSysctlFile(file: string, text: string): SysctlAssignment[] {
  const out: SysctlAssignment[] = [];
  for (const l of numberedLines(text)) {
    if (isComment(l.text, '#;')) continue;
    const eq = l.text.indexOf('=');
    if (eq === -1) continue;
    let key = l.text.slice(0, eq).trim();
    if (key.startsWith('-')) key = key.slice(1).trim();
    out.push({ key: normalizeSysctlKey(key), value: normalizeSysctlValue(l.text.slice(eq + 1)), file, line: l.n });
  }
  return out;
}

function keyMatches(pattern: string, key: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern === key;
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(key);
}

/** The configured value of `key` across the files (later assignments win), with every assignment seen. */
export function configuredSysctl(
  files: ReadonlyMap<string, string>,
  key: string,
): { effective: SysctlAssignment | undefined; all: SysctlAssignment[] } {
  const want = normalizeSysctlKey(key);
  const all: SysctlAssignment[] = [];
  for (const path of orderSysctlFiles([...files.keys()])) {
    for (const a of parseSysctlFile(path, files.get(path) ?? '')) {
      if (keyMatches(a.key, want)) all.push(a);
    }
  }
  return { effective: all[all.length - 1], all };
}

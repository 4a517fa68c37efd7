import { globToRegExp } from '../facts/glob.ts';
import { isComment, numberedLines } from './lines.ts';

/** Keywords whose every occurrence adds to the value instead of the first one winning. */
const MULTI = new Set([
  'acceptenv',
  'allowgroups',
  'allowusers',
  'denygroups',
  'denyusers',
  'hostkey',
  'hostcertificate',
  'listenaddress',
  'port',
  'subsystem',
  'setenv',
  'permitopen',
  'permitlisten',
]);

/** Keywords that take sshd time formats (`1m30s`); sshd -T prints them in seconds. */
const TIME_KEYS = new Set(['logingracetime', 'clientaliveinterval', 'rekeylimit']);

export interface ConnSpec {
  user?: string;
  host?: string;
  addr?: string;
  laddr?: string;
  lport?: string;
}

export interface SshdDirective {
  key: string;
  args: string[];
  file: string;
  line: number;
  /** The Match criteria in force, or null in the global section. */
  match: string[] | null;
}

export interface SshdValue {
  value: string;
  source: string;
}

/**
 * Splits a config line into words, honouring double quotes; `Key=value` is accepted. An unquoted word
 * starting with `#` ends the line, as OpenSSH's argv_split does (8.7+): `PermitRootLogin no #yes` is `no`.
 */
export function sshdWords(text: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|([^\s"]+)/g;
  const t = text.trim().replace(/^([A-Za-z]+)\s*=\s*/, '$1 ');
  for (let m = re.exec(t); m; m = re.exec(t)) {
    if (m[2]?.startsWith('#')) break;
    words.push(m[1] ?? m[2] ?? '');
  }
  return words;
}

/**
 * Flattens sshd_config and its Includes (globs, relative to /etc/ssh, sorted) into directives in read
 * order. A Match opened in an included file ends with that file, as in OpenSSH.
 */
export function parseSshdConfig(
  files: ReadonlyMap<string, string>,
  main = '/etc/ssh/sshd_config',
): {
  directives: SshdDirective[];
  problems: string[];
} {
  const directives: SshdDirective[] = [];
  const problems: string[] = [];
  const walk = (path: string, match: string[] | null, depth: number): void => {
    const text = files.get(path);
    if (text === undefined) return;
    let current = match;
    for (const l of numberedLines(text)) {
      if (isComment(l.text)) continue;
      const [kw, ...args] = sshdWords(l.text);
      if (kw === undefined) continue;
      const key = kw.toLowerCase();
      if (key === 'match') {
        current = args.length === 1 && args[0]?.toLowerCase() === 'all' ? null : args;
        continue;
      }
      if (key === 'include') {
        if (depth > 8) {
          problems.push(`${path}:${l.n}: Include nested too deeply`);
          continue;
        }
        for (const pat of args) {
          const abs = pat.startsWith('/') ? pat : `/etc/ssh/${pat}`;
          const re = globToRegExp(abs);
          const hits = [...files.keys()].filter((f) => re.test(f)).sort();
          for (const f of hits) walk(f, current, depth + 1);
        }
        continue;
      }
      directives.push({ key, args, file: path, line: l.n, match: current });
    }
  };
  walk(main, null, 0);
  return { directives, problems };
}

/** Whether a directive's Match applies to the connection: true, false, or undefined (undecidable). */
export function matchApplies(criteria: string[] | null, conn: ConnSpec | undefined): boolean | undefined {
  if (criteria === null) return true;
  if (!conn) return false;
  for (let i = 0; i < criteria.length; i += 2) {
    const name = (criteria[i] ?? '').toLowerCase();
    const arg = criteria[i + 1] ?? '';
    let ok: boolean | undefined;
    if (name === 'all') continue;
    if (name === 'user') ok = conn.user === undefined ? undefined : patternList(conn.user, arg);
    else if (name === 'host') ok = conn.host === undefined ? undefined : patternList(conn.host, arg);
    else if (name === 'address') ok = conn.addr === undefined ? undefined : addressList(conn.addr, arg);
    else if (name === 'localaddress')
      ok = conn.laddr === undefined ? undefined : addressList(conn.laddr, arg);
    else if (name === 'localport')
      ok = conn.lport === undefined ? undefined : arg.split(',').includes(conn.lport);
    else ok = undefined;
    if (ok === undefined) return undefined;
    if (!ok) return false;
  }
  return true;
}

function wildcard(s: string, pat: string): boolean {
  const re = new RegExp(
    `^${pat
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(s);
}

/** OpenSSH match_pattern_list: a matching negated pattern wins over everything. */
function patternList(s: string, list: string): boolean {
  let positive = false;
  for (const raw of list.split(',')) {
    const neg = raw.startsWith('!');
    const pat = neg ? raw.slice(1) : raw;
    if (wildcard(s, pat)) {
      if (neg) return false;
      positive = true;
    }
  }
  return positive;
}

function ipv4(s: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (!m) return undefined;
  return m.slice(1).reduce((acc, p) => acc * 256 + Number(p), 0);
}

function addressList(addr: string, list: string): boolean {
  let positive = false;
  for (const raw of list.split(',')) {
    const neg = raw.startsWith('!');
    const pat = neg ? raw.slice(1) : raw;
    let hit: boolean;
    const [net, bits] = pat.split('/');
    const a = ipv4(addr);
    const n = ipv4(net ?? '');
    if (bits !== undefined && a !== undefined && n !== undefined) {
      const b = Number(bits);
      const mask = b === 0 ? 0 : (0xffffffff << (32 - b)) >>> 0;
      hit = (a & mask) >>> 0 === (n & mask) >>> 0;
    } else hit = wildcard(addr, pat);
    if (hit) {
      if (neg) return false;
      positive = true;
    }
  }
  return positive;
}

/** sshd time format (`1m30s`, `90`) in seconds, or undefined. */
export function sshdSeconds(v: string): number | undefined {
  if (/^\d+$/.test(v)) return Number(v);
  const re = /(\d+)([sSmMhHdDwW])/g;
  let total = 0;
  let consumed = 0;
  const mult: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  for (let m = re.exec(v); m; m = re.exec(v)) {
    total += Number(m[1]) * (mult[(m[2] ?? 's').toLowerCase()] ?? 1);
    consumed += m[0].length;
  }
  return consumed === v.length && consumed > 0 ? total : undefined;
}

/**
 * The effective value of `key` from parsed directives: first occurrence wins, multi-valued keywords
 * accumulate. `undecided` is set when a Match block that could not be evaluated might set the key.
 */
export function effectiveFromConfig(
  directives: readonly SshdDirective[],
  key: string,
  conn?: ConnSpec,
): { value: SshdValue | undefined; undecided: boolean } {
  const values: SshdValue[] = [];
  for (const d of directives) {
    if (d.key !== key) continue;
    const applies = matchApplies(d.match, conn);
    if (applies === undefined) return { value: undefined, undecided: true };
    if (!applies) continue;
    let v = d.args.join(' ');
    if (TIME_KEYS.has(key)) v = String(sshdSeconds(v) ?? v);
    values.push({ value: v, source: `${d.file}:${d.line}` });
    if (!MULTI.has(key)) break;
  }
  if (values.length === 0) return { value: undefined, undecided: false };
  return {
    value: { value: values.map((v) => v.value).join(','), source: values.map((v) => v.source).join(', ') },
    undecided: false,
  };
}

/**
 * Every line that writes `key` in any of the files, wherever it is (global section, Match block, a file
 * no Include reaches): what an auditor reading the files, and ComplianceAsCode's OVAL, see.
 */
export function writtenValues(files: ReadonlyMap<string, string>, key: string): SshdValue[] {
  const out: SshdValue[] = [];
  for (const [file, text] of files) {
    for (const l of numberedLines(text)) {
      if (isComment(l.text)) continue;
      const [kw, ...args] = sshdWords(l.text);
      if (kw?.toLowerCase() !== key) continue;
      const v = args.join(' ');
      out.push({ value: TIME_KEYS.has(key) ? String(sshdSeconds(v) ?? v) : v, source: `${file}:${l.n}` });
    }
  }
  return out;
}

/**
 * The message of an `sshd -T` that exited non-zero because sshd rejects its configuration (a bad keyword
 * or value: sshd would refuse to start), or undefined when it failed for another reason (not root, no
 * host keys, no /run/sshd) and the files can still be judged.
 */
export function sshdRejection(output: string): string | undefined {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /\bline \d+:|bad configuration option|unsupported option|terminating, \d+ bad/i.test(l));
  return lines.length > 0 ? lines.join('; ') : undefined;
}

/** Parses `sshd -T` output into keyword → values (one per output line). */
export function parseSshdT(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const l of numberedLines(text)) {
    // stderr shares the section (warnings such as "Deprecated option"): keep only keyword lines.
    const m = /^([a-z0-9]+)(?:\s+(.*))?$/.exec(l.text.trim());
    if (!m?.[1]) continue;
    const k = m[1].toLowerCase();
    out.set(k, [...(out.get(k) ?? []), m[2] ?? '']);
  }
  return out;
}

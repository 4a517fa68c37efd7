import { isComment, joinedLines } from './lines.ts';

export interface SudoDefault {
  /** Option name without negation. */
  name: string;
  negated: boolean;
  value?: string;
  source: string;
}

export interface SudoersParse {
  defaults: SudoDefault[];
  /** Non-generic Defaults (`Defaults:user`, `Defaults@host` …), kept for evidence. */
  scopedDefaults: SudoDefault[];
  nopasswd: { text: string; source: string }[];
}

function splitOptions(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const c of s) {
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted && !cur.endsWith('\\')) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((x) => x.trim()).filter((x) => x !== '');
}

/**
 * A Defaults value as sudo reads it: one level of double quotes removed, backslash escapes undone, and a
 * number written with a sign (`+5`, which visudo accepts for integer and float options) reduced to its value.
 */
function sudoValue(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const v = raw
    .trim()
    .replace(/^"(.*)"$/, '$1')
    .replace(/\\(.)/g, '$1');
  return /^\+\d+(\.\d+)?$/.test(v) ? v.slice(1) : v;
}

function parseOption(opt: string, source: string): SudoDefault {
  const m = /^(!*)\s*([A-Za-z_]+)\s*(?:([+-]?=)\s*(.*))?$/.exec(opt);
  const bangs = m?.[1]?.length ?? 0;
  return { name: m?.[2] ?? opt, negated: bangs % 2 === 1, value: sudoValue(m?.[4]), source };
}

/** Drops a trailing comment: `#` outside quotes that does not start a `#uid`. */
function stripComment(s: string): string {
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (c === '#' && !quoted && !/\d/.test(s[i + 1] ?? '')) return s.slice(0, i).trimEnd();
  }
  return s;
}

/** Parses sudoers files (main first, then sudoers.d): Defaults lines and NOPASSWD user specs. */
export function parseSudoers(files: readonly { path: string; text: string }[]): SudoersParse {
  const res: SudoersParse = { defaults: [], scopedDefaults: [], nopasswd: [] };
  for (const f of files) {
    for (const l of joinedLines(f.text)) {
      if (isComment(l.text) && !/^\s*#include/.test(l.text)) continue;
      const t = l.text.trim();
      const source = `${f.path}:${l.n}`;
      const d = /^Defaults([:@>!]\S*)?\s+(.*)$/.exec(t);
      if (d) {
        const target = d[1] === undefined ? res.defaults : res.scopedDefaults;
        for (const o of splitOptions(stripComment(d[2] ?? ''))) target.push(parseOption(o, source));
        continue;
      }
      if (/^(#|@)include/.test(t) || /^[A-Z_][A-Z0-9_]*_Alias\s/.test(t)) continue;
      if (/(^|[\s:,(])NOPASSWD\s*:/.test(t)) res.nopasswd.push({ text: t, source });
    }
  }
  return res;
}

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
    if (c === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((x) => x.trim()).filter((x) => x !== '');
}

function parseOption(opt: string, source: string): SudoDefault {
  const m = /^(!*)\s*([A-Za-z_]+)\s*(?:([+-]?=)\s*(.*))?$/.exec(opt);
  const bangs = m?.[1]?.length ?? 0;
  const value = m?.[4]?.replace(/^"(.*)"$/, '$1');
  return { name: m?.[2] ?? opt, negated: bangs % 2 === 1, value, source };
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
        for (const o of splitOptions(d[2] ?? '')) target.push(parseOption(o, source));
        continue;
      }
      if (/^(#|@)include/.test(t) || /^[A-Z_][A-Z0-9_]*_Alias\s/.test(t)) continue;
      if (/(^|[\s:,(])NOPASSWD\s*:/.test(t)) res.nopasswd.push({ text: t, source });
    }
  }
  return res;
}

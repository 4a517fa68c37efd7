import { numberedLines, type Line } from './lines.ts';

export const PAM_TYPES = ['auth', 'account', 'password', 'session'] as const;
export type PamType = (typeof PAM_TYPES)[number];

export interface PamEntry {
  type: PamType;
  /** `required`, or a bracket control normalised to single spaces: `[success=1 default=ignore]`. */
  control: string;
  /** Basename of the module path: `pam_unix.so`. */
  module: string;
  args: string[];
  file: string;
  line: number;
  /** The line started with `-type` (missing module is silently skipped). */
  optional: boolean;
}

/**
 * Logical lines as Linux-PAM's `_pam_assemble_line` reads them: `\` at the end joins the next line, and a
 * `#` anywhere ends the logical line (the rest of it, continuation included, is a comment):
 * `auth required pam_faillock.so # deny=3` has no `deny`.
 */
export function pamLines(text: string): Line[] {
  const out: Line[] = [];
  let acc: Line | undefined;
  for (const l of numberedLines(text)) {
    const hash = l.text.indexOf('#');
    const cut = hash === -1 ? l.text : l.text.slice(0, hash);
    const cont = hash === -1 && /\\$/.test(cut);
    const body = cont ? cut.slice(0, -1) : cut;
    acc = acc ? { n: acc.n, text: `${acc.text} ${body}` } : { n: l.n, text: body };
    if (!cont) {
      if (acc.text.trim() !== '') out.push(acc);
      acc = undefined;
    }
  }
  if (acc && acc.text.trim() !== '') out.push(acc);
  return out;
}

/** Splits on whitespace but keeps `[ … ]` groups (bracket controls and args) together. */
export function pamTokens(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i] ?? '')) i++;
    if (i >= text.length) break;
    let tok = '';
    if (text[i] === '[') {
      while (i < text.length && text[i] !== ']') {
        if (text[i] === '\\' && text[i + 1] === ']') i++;
        tok += text[i];
        i++;
      }
      tok += ']';
      i++;
    } else {
      while (i < text.length && !/\s/.test(text[i] ?? '')) tok += text[i++];
    }
    out.push(tok);
  }
  return out;
}

function normalizeControl(c: string): string {
  return c.startsWith('[') ? `[${c.slice(1, -1).trim().split(/\s+/).join(' ')}]` : c;
}

/** The entries of one PAM service and type with include, substack and @include expanded. */
export function pamStack(
  files: ReadonlyMap<string, string>,
  service: string,
  type: PamType,
  dir = '/etc/pam.d',
): { entries: PamEntry[]; missing: string[] } {
  const entries: PamEntry[] = [];
  const missing: string[] = [];
  const walk = (name: string, depth: number): void => {
    const path = name.startsWith('/') ? name : `${dir}/${name}`;
    const text = files.get(path);
    if (text === undefined) {
      missing.push(path);
      return;
    }
    if (depth > 16) return;
    for (const l of pamLines(text)) {
      const t = pamTokens(l.text.trim());
      const [first, control, mod, ...args] = t;
      if (first === undefined) continue;
      if (first === '@include') {
        if (control) walk(control, depth + 1);
        continue;
      }
      const optional = first.startsWith('-');
      const lineType = optional ? first.slice(1) : first;
      if (lineType !== type || control === undefined || mod === undefined) continue;
      if (control === 'include' || control === 'substack') {
        walk(mod, depth + 1);
        continue;
      }
      entries.push({
        type,
        control: normalizeControl(control),
        module: mod.slice(mod.lastIndexOf('/') + 1),
        args,
        file: path,
        line: l.n,
        optional,
      });
    }
  };
  walk(service, 0);
  return { entries, missing };
}

/** The value of `name=value` in args; `true` when the bare flag is present; undefined when absent. */
export function pamArg(args: readonly string[], name: string): string | true | undefined {
  let found: string | true | undefined;
  for (const a of args) {
    if (a === name) found = true;
    else if (a.startsWith(`${name}=`)) found = a.slice(name.length + 1);
  }
  return found;
}

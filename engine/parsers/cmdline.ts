import { isComment, numberedLines } from './lines.ts';

export interface CmdlineSource {
  source: string;
  /** The kernel arguments of that line. */
  args: string[];
  /** Where each argument was written, when that differs per argument (grub_default). */
  origins?: string[];
}

/** Splits a kernel command line, honouring double quotes. */
export function splitCmdline(s: string): string[] {
  const out: string[] = [];
  const re = /(?:[^\s"]+|"[^"]*")+/g;
  for (let m = re.exec(s); m; m = re.exec(s)) out.push(m[0].replace(/"/g, ''));
  return out;
}

/** The value of the last occurrence of `name`: the string after `=`, '' for a bare flag, undefined if absent. */
export function cmdlineArg(args: readonly string[], name: string): string | undefined {
  let v: string | undefined;
  for (const a of args) {
    if (a === name) v = '';
    else if (a.startsWith(`${name}=`)) v = a.slice(name.length + 1);
  }
  return v;
}

/** The index of the last occurrence of `name` in `args`, -1 if absent. */
export function cmdlineArgIndex(args: readonly string[], name: string): number {
  for (let i = args.length - 1; i >= 0; i--) {
    const a = args[i] ?? '';
    if (a === name || a.startsWith(`${name}=`)) return i;
  }
  return -1;
}

/** Kernel lines of grub.cfg (`linux`, `linux16`, `linuxefi`) and BLS entries (`options`). */
export function bootloaderLines(files: readonly { path: string; text: string }[]): CmdlineSource[] {
  const out: CmdlineSource[] = [];
  for (const f of files) {
    const isBls = f.path.startsWith('/boot/loader/entries/');
    const isCfg = f.path.endsWith('/grub.cfg');
    if (!isBls && !isCfg) continue;
    for (const l of numberedLines(f.text)) {
      if (isComment(l.text)) continue;
      const m = isBls
        ? /^\s*options\s+(.*)$/.exec(l.text)
        : /^\s*(?:linux|linux16|linuxefi)\s+\S+\s*(.*)$/.exec(l.text);
      if (m) out.push({ source: `${f.path}:${l.n}`, args: splitCmdline(m[1] ?? '') });
    }
  }
  return out;
}

type GrubVar = 'GRUB_CMDLINE_LINUX' | 'GRUB_CMDLINE_LINUX_DEFAULT';

/** A string whose every character remembers the `file:line` it was written on. */
interface Traced {
  text: string;
  origin: string[];
}

/**
 * The value of one sh assignment `NAME=word`: double quotes expand `$NAME` / `${NAME}` of the two variables
 * (their values so far), single quotes are literal, a backslash escapes one character, an unquoted blank or
 * `#` ends the word. Other variables expand to nothing, as they would in grub-mkconfig.
 */
function shellWord(word: string, origin: string, vars: ReadonlyMap<GrubVar, Traced>): Traced {
  const out: Traced = { text: '', origin: [] };
  const lit = (c: string): void => {
    out.text += c;
    out.origin.push(origin);
  };
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < word.length; i++) {
    const c = word[i] ?? '';
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else lit(c);
      continue;
    }
    if (c === '\\') {
      lit(word[++i] ?? '');
      continue;
    }
    if (c === '$') {
      const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/.exec(word.slice(i));
      if (m) {
        const v = vars.get((m[1] ?? m[2] ?? '') as GrubVar);
        if (v) {
          out.text += v.text;
          out.origin.push(...v.origin);
        }
        i += m[0].length - 1;
        continue;
      }
    }
    if (quote === '"') {
      if (c === '"') quote = undefined;
      else lit(c);
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (/\s|#/.test(c)) break;
    else lit(c);
  }
  return out;
}

/**
 * The kernel arguments grub-mkconfig gives normal menu entries, from `/etc/default/grub` and then
 * `/etc/default/grub.d/*.cfg` in lexical order (the order grub-mkconfig sources them): the final
 * `GRUB_CMDLINE_LINUX` followed by the final `GRUB_CMDLINE_LINUX_DEFAULT`, as one line, so an argument counts
 * when it is in either variable and, with `cmdlineArg`, an occurrence in `_DEFAULT` wins. `origins[i]` is the
 * `file:line` that wrote `args[i]`. Empty when neither file is in the bundle.
 */
export function grubDefaultArgs(files: readonly { path: string; text: string }[]): CmdlineSource[] {
  const cfgs = files
    .filter((f) => f.path === '/etc/default/grub' || /^\/etc\/default\/grub\.d\/[^/]+\.cfg$/.test(f.path))
    .sort((a, b) =>
      a.path === '/etc/default/grub' ? -1 : b.path === '/etc/default/grub' ? 1 : a.path < b.path ? -1 : 1,
    );
  if (cfgs.length === 0) return [];
  const vars = new Map<GrubVar, Traced>();
  const assigned: string[] = [];
  for (const f of cfgs) {
    for (const l of numberedLines(f.text)) {
      if (isComment(l.text)) continue;
      const m = /^\s*(?:export\s+)?(GRUB_CMDLINE_LINUX(?:_DEFAULT)?)=(.*)$/.exec(l.text);
      if (!m) continue;
      const name = m[1] as GrubVar;
      vars.set(name, shellWord(m[2] ?? '', `${f.path}:${l.n}`, vars));
      assigned.push(`${f.path}:${l.n}`);
    }
  }
  const args: string[] = [];
  const origins: string[] = [];
  for (const name of ['GRUB_CMDLINE_LINUX', 'GRUB_CMDLINE_LINUX_DEFAULT'] as const) {
    const v = vars.get(name);
    if (!v) continue;
    const re = /(?:[^\s"]+|"[^"]*")+/g;
    for (let t = re.exec(v.text); t; t = re.exec(v.text)) {
      args.push(t[0].replace(/"/g, ''));
      origins.push(v.origin[t.index] ?? '');
    }
  }
  const source = assigned.length > 0 ? [...new Set(assigned)].join(', ') : cfgs.map((f) => f.path).join(', ');
  return [{ source, args, origins }];
}

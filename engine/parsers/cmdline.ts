import { isComment, numberedLines } from './lines.ts';
import { parseKeyValues } from './keyvalue.ts';

export interface CmdlineSource {
  source: string;
  /** The kernel arguments of that line. */
  args: string[];
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

/** Kernel lines of grub.cfg (`linux`, `linux16`, `linuxefi`) and BLS entries (`options`). */
export function bootloaderLines(files: readonly { path: string; text: string }[]): CmdlineSource[] {
  const out: CmdlineSource[] = [];
  for (const f of files) {
    const isBls = f.path.startsWith('/boot/loader/entries/');
    const isCfg = f.path.endsWith('/grub.cfg');
    if (!isBls && !isCfg) continue;
    for (const l of numberedLines(f.text)) {
      if (isComment(l.text)) continue;
      const m = isBls ? /^\s*options\s+(.*)$/.exec(l.text) : /^\s*(?:linux|linux16|linuxefi)\s+\S+\s*(.*)$/.exec(l.text);
      if (m) out.push({ source: `${f.path}:${l.n}`, args: splitCmdline(m[1] ?? '') });
    }
  }
  return out;
}

/** GRUB_CMDLINE_LINUX and GRUB_CMDLINE_LINUX_DEFAULT of /etc/default/grub and grub.d, joined. */
export function grubDefaultArgs(files: readonly { path: string; text: string }[]): CmdlineSource[] {
  const out: CmdlineSource[] = [];
  for (const f of files) {
    if (f.path !== '/etc/default/grub' && !f.path.startsWith('/etc/default/grub.d/')) continue;
    const kvs = parseKeyValues(f.path, f.text, { separator: '=', commentChars: '#', ignoreCaseKey: false });
    for (const kv of kvs) {
      if (kv.key === 'GRUB_CMDLINE_LINUX' || kv.key === 'GRUB_CMDLINE_LINUX_DEFAULT') {
        out.push({ source: `${kv.file}:${kv.line}`, args: splitCmdline(kv.value.replace(/\$\{?GRUB_CMDLINE_LINUX\}?/g, '')) });
      }
    }
  }
  return out;
}

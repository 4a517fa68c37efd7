import { orderDropIns } from './dropins.ts';
import { isComment, joinedLines } from './lines.ts';

export const MODPROBE_DIRS = [
  '/etc/modprobe.d',
  '/run/modprobe.d',
  '/usr/local/lib/modprobe.d',
  '/usr/lib/modprobe.d',
  '/lib/modprobe.d',
];

export interface ModprobeDirective {
  command: string;
  module: string;
  rest: string;
  file: string;
  line: number;
}

export function normalizeModule(name: string): string {
  return name.replace(/-/g, '_');
}

/** Orders modprobe.d files as kmod does: one per basename (earliest directory wins), by basename. */
export function orderModprobeFiles(paths: readonly string[]): string[] {
  return orderDropIns(paths, MODPROBE_DIRS);
}

export function parseModprobe(files: ReadonlyMap<string, string>): ModprobeDirective[] {
  const out: ModprobeDirective[] = [];
  for (const file of orderModprobeFiles([...files.keys()])) {
    for (const l of joinedLines(files.get(file) ?? '')) {
      if (isComment(l.text)) continue;
      const m = /^\s*(\S+)\s+(\S+)\s*(.*)$/.exec(l.text);
      if (!m?.[1] || !m[2]) continue;
      out.push({ command: m[1], module: normalizeModule(m[2]), rest: (m[3] ?? '').trim(), file, line: l.n });
    }
  }
  return out;
}

const DISABLING = /^(\/usr)?\/bin\/(false|true)(\s|$)/;

/** kmod runs the first `install` line for a module; it disables loading when it is /bin/false or /bin/true. */
export function moduleConfig(
  directives: readonly ModprobeDirective[],
  module: string,
): {
  install: ModprobeDirective | undefined;
  installDisables: boolean;
  blacklist: ModprobeDirective | undefined;
} {
  const m = normalizeModule(module);
  const install = directives.find((d) => d.command === 'install' && d.module === m);
  const blacklist = directives.find((d) => d.command === 'blacklist' && d.module === m);
  return { install, installDisables: install !== undefined && DISABLING.test(install.rest), blacklist };
}

/** Loaded module names from /proc/modules. */
export function loadedModules(procModules: string): Set<string> {
  const out = new Set<string>();
  for (const line of procModules.split('\n')) {
    const name = line.split(' ')[0];
    if (name) out.add(normalizeModule(name));
  }
  return out;
}

/** Module names available to the running kernel from modules.dep / modules.builtin paths. */
export function availableModules(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const base = line.trim().split('/').pop() ?? '';
    const m = /^(.+?)\.ko(\.(xz|gz|zst))?$/.exec(base);
    if (m?.[1]) out.add(normalizeModule(m[1]));
  }
  return out;
}

/** One `stat -L -c '%a|%u|%g|%U|%G|%s|%F|%n'` line. */
export interface StatEntry {
  mode: string;
  uid: number;
  gid: number;
  user: string;
  group: string;
  size: number;
  type: string;
  path: string;
}

export const STAT_FORMAT = '%a|%u|%g|%U|%G|%s|%F|%n';

/** Parses stat lines; `stat: cannot stat…: Permission denied` lines become `denied` paths. */
export function parseStat(text: string): { entries: StatEntry[]; denied: string[] } {
  const entries: StatEntry[] = [];
  const denied: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('stat:')) {
      if (/Permission denied$/.test(line)) {
        const m = /'(.*)'/.exec(line);
        denied.push(m?.[1] ?? line);
      }
      continue;
    }
    const f = line.split('|');
    if (f.length < 8) continue;
    entries.push({
      mode: f[0] ?? '',
      uid: Number(f[1]),
      gid: Number(f[2]),
      user: f[3] ?? '',
      group: f[4] ?? '',
      size: Number(f[5]),
      type: f[6] ?? '',
      path: f.slice(7).join('|'),
    });
  }
  return { entries, denied };
}

export function formatStat(e: StatEntry): string {
  return `${e.path} mode ${e.mode.padStart(4, '0')} owner ${e.user}(${e.uid}) group ${e.group}(${e.gid}) ${e.type}`;
}

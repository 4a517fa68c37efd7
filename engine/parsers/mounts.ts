import { isComment, numberedLines } from './lines.ts';

export interface MountEntry {
  source: string;
  target: string;
  fstype: string;
  options: string[];
  line: number;
}

/** Decodes the octal escapes of /proc/mounts and fstab (`\040` for a space). */
export function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

/** Parses /proc/self/mounts or /etc/fstab. */
export function parseMounts(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const l of numberedLines(text)) {
    if (isComment(l.text)) continue;
    const f = l.text.trim().split(/\s+/);
    if (f.length < 4) continue;
    out.push({
      source: unescapeOctal(f[0] ?? ''),
      target: unescapeOctal(f[1] ?? ''),
      fstype: f[2] ?? '',
      options: (f[3] ?? '').split(','),
      line: l.n,
    });
  }
  return out;
}

function normTarget(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

/** The mount that is visible at `target`: the last one mounted there. */
export function mountAt(entries: readonly MountEntry[], target: string): MountEntry | undefined {
  const t = normTarget(target);
  return entries.filter((e) => normTarget(e.target) === t).pop();
}

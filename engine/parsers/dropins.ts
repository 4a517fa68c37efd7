/**
 * Orders drop-in files as kmod, systemd-sysctl and systemd's configuration loaders do: for one basename only
 * the file in the earliest directory of `dirs` counts (so /etc overrides /run overrides /usr/lib), and the
 * winners are read in byte order of their basenames. Paths outside `dirs` or without `suffix` are ignored.
 */
export function orderDropIns(paths: readonly string[], dirs: readonly string[], suffix = '.conf'): string[] {
  const winners = new Map<string, { path: string; prio: number }>();
  for (const p of paths) {
    const slash = p.lastIndexOf('/');
    const prio = dirs.indexOf(p.slice(0, slash));
    if (prio === -1 || !p.endsWith(suffix)) continue;
    const b = p.slice(slash + 1);
    const cur = winners.get(b);
    if (!cur || prio < cur.prio) winners.set(b, { path: p, prio });
  }
  return [...winners.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, w]) => w.path);
}

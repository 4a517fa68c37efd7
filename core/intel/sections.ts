/**
 * What the collector gathers, section by section, and how each section's lines become items with a
 * stable key (the diff compares items by key). Parsers are pure; runner/intel-job.ts feeds them.
 */
export const INTEL_SECTIONS = [
  'packages',
  'services',
  'users',
  'groups',
  'ports',
  'interfaces',
  'routes',
  'mounts',
  'system',
] as const;
export type IntelSection = (typeof INTEL_SECTIONS)[number];

export type IntelItem = Record<string, string | number | boolean | string[] | null>;

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');
const num = (s: string | undefined): number | null => (s && /^-?\d+$/.test(s) ? Number(s) : null);

/** `dpkg-query -W -f '${Package}\t${Version}\t${Architecture}\n'` or the same from rpm. */
export function parsePackages(text: string): IntelItem[] {
  return lines(text).flatMap((l) => {
    const [name, version, arch] = l.split('\t');
    return name && version ? [{ name, version, arch: arch ?? '' }] : [];
  });
}

/** `systemctl list-unit-files --type=service` (unit, state) and the running units' names. */
export function parseServices(unitFiles: string, running: string): IntelItem[] {
  const up = new Set(lines(running).map((l) => l.trim().split(/\s+/)[0]));
  return lines(unitFiles).flatMap((l) => {
    const [unit, state] = l.trim().split(/\s+/);
    return unit?.endsWith('.service') && state ? [{ unit, enabled: state, running: up.has(unit) }] : [];
  });
}

/** `getent passwd` joined with password aging from /etc/shadow (name and fields 3–8 only, never the hash). */
export function parseUsers(passwd: string, aging: string): IntelItem[] {
  const age = new Map(
    lines(aging).map((l) => {
      const f = l.split(':');
      return [f[0] ?? '', f] as const;
    }),
  );
  return lines(passwd).flatMap((l) => {
    const [name, , uid, gid, , home, shell] = l.split(':');
    if (!name || num(uid) === null) return [];
    const a = age.get(name);
    return [
      {
        name,
        uid: num(uid),
        gid: num(gid),
        home: home ?? '',
        shell: shell ?? '',
        last_change_days: num(a?.[1]),
        min_days: num(a?.[2]),
        max_days: num(a?.[3]),
        warn_days: num(a?.[4]),
        inactive_days: num(a?.[5]),
        expire_day: num(a?.[6]),
      },
    ];
  });
}

export function parseGroups(text: string): IntelItem[] {
  return lines(text).flatMap((l) => {
    const [name, , gid, members] = l.split(':');
    return name ? [{ name, gid: num(gid), members: (members ?? '').split(',').filter(Boolean).sort() }] : [];
  });
}

/** `ss -H -tulpn`: proto, local address and port, and the owning process names (pids dropped: they churn). */
export function parsePorts(text: string): IntelItem[] {
  const seen = new Map<string, IntelItem>();
  for (const l of lines(text)) {
    const f = l.trim().split(/\s+/);
    const [proto, , , , local] = f;
    const m = local ? /^(.*):(\d+|\*)$/.exec(local) : null;
    if (!proto || !m?.[1] || !m[2] || m[2] === '*') continue;
    const processes = [...l.matchAll(/\("([^"]+)",pid=/g)].map((x) => x[1] ?? '').sort();
    const item = { proto, address: m[1], port: Number(m[2]), process: [...new Set(processes)].join(',') };
    seen.set(`${proto}|${m[1]}|${m[2]}`, item);
  }
  return [...seen.values()];
}

/** `ip -o addr show`: interface, family, address/prefix. */
export function parseInterfaces(text: string): IntelItem[] {
  return lines(text).flatMap((l) => {
    const m = /^\d+:\s+(\S+)\s+(inet6?)\s+(\S+)/.exec(l);
    return m?.[1] && m[2] && m[3] ? [{ name: m[1].replace(/@.*$/, ''), family: m[2], address: m[3] }] : [];
  });
}

export function parseRoutes(text: string): IntelItem[] {
  return lines(text).map((l) => ({ route: l.trim().replace(/\s+/g, ' ') }));
}

/** /proc/self/mounts: device, mount point, type, options. */
export function parseMounts(text: string): IntelItem[] {
  return lines(text).flatMap((l) => {
    const [device, target, fstype, options] = l.split(' ');
    return device && target && fstype ? [{ device, target, fstype, options: options ?? '' }] : [];
  });
}

/** The key that identifies an item of a section across collections. */
export function itemKey(section: IntelSection, i: IntelItem): string {
  switch (section) {
    case 'packages':
      return `${String(i.name)}:${String(i.arch)}`;
    case 'services':
      return String(i.unit);
    case 'users':
    case 'groups':
    case 'system':
      return String(i.name);
    case 'ports':
      return `${String(i.proto)}|${String(i.address)}|${String(i.port)}`;
    case 'interfaces':
      return `${String(i.name)}|${String(i.address)}`;
    case 'routes':
      return String(i.route);
    case 'mounts':
      return String(i.target);
  }
}

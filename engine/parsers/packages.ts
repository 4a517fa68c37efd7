export interface PackageEntry {
  status: string;
  name: string;
  version: string;
  arch: string;
  installed: boolean;
}

/**
 * Parses `<status>\t<name>\t<version>\t<arch>` lines. dpkg's second status letter says what is on disk:
 * i (installed), W/t (installed, triggers pending) count; c (config files only), n, u, h, f do not.
 */
export function parsePackages(text: string): Map<string, PackageEntry[]> {
  const out = new Map<string, PackageEntry[]>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const f = line.includes('\t') ? line.split('\t') : line.trim().split(/\s+/);
    const [status = '', name = '', version = '', arch = ''] = f;
    if (name === '') continue;
    const st = status.padEnd(2, ' ');
    const installed = ['i', 'W', 't'].includes(st[1] ?? '');
    const e = { status: status.trim(), name, version, arch, installed };
    out.set(name, [...(out.get(name) ?? []), e]);
  }
  return out;
}

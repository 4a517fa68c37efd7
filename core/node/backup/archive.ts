import { execFile } from 'node:child_process';
import { chmodSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
export const ARCHIVE_PREFIX = 'openwatch-backup-';
export const ARCHIVE_SUFFIX = '.tar.gz';
const DAY_MS = 24 * 3600 * 1000;

/** `openwatch-backup-20261202T013000Z.tar.gz`: names sort in time order. */
export function archiveName(at: Date): string {
  return `${ARCHIVE_PREFIX}${at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}${ARCHIVE_SUFFIX}`;
}

/** Packs `dir` into `out` (0600) atomically: written beside it, then renamed. */
export async function packArchive(dir: string, out: string): Promise<void> {
  const partial = `${out}.partial`;
  await exec('tar', ['--create', '--gzip', '--file', partial, '--directory', dir, '.']);
  chmodSync(partial, 0o600);
  renameSync(partial, out);
}

/** Unpacks into `dir`; tar refuses absolute and `..` member names by default, so nothing lands outside. */
export async function unpackArchive(archive: string, dir: string): Promise<void> {
  await exec('tar', ['--extract', '--gzip', '--file', archive, '--directory', dir, '--no-same-owner']);
}

/**
 * Retention for a backup directory: keeps the newest `keep` archives and those younger than `keepDays`
 * when both are given an archive must fail both to go. The archive just written is never removed.
 */
export function pruneArchives(
  dir: string,
  opts: { keep?: number; keepDays?: number; now: Date; justWritten: string },
): string[] {
  const names = readdirSync(dir)
    .filter((n) => n.startsWith(ARCHIVE_PREFIX) && n.endsWith(ARCHIVE_SUFFIX))
    .sort()
    .reverse();
  const removed: string[] = [];
  names.forEach((name, index) => {
    const path = join(dir, name);
    if (path === opts.justWritten) return;
    const beyondCount = opts.keep !== undefined && index >= opts.keep;
    const tooOld =
      opts.keepDays !== undefined && opts.now.getTime() - statSync(path).mtimeMs > opts.keepDays * DAY_MS;
    const go =
      opts.keep !== undefined && opts.keepDays !== undefined ? beyondCount && tooOld : beyondCount || tooOld;
    if (go) {
      rmSync(path);
      removed.push(path);
    }
  });
  return removed;
}

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { shq } from '../../engine/shell/quote.ts';
import { tempDir } from './tmp.ts';

const exec = promisify(execFile);
export const ROOTFS_CACHE = '/var/cache/openwatch-test';
const MIRROR = 'http://deb.debian.org/debian';

/**
 * A Debian 12 minbase root filesystem as a tarball, made by debootstrap once a day and cached, so
 * repeated runs only unpack it (a few seconds) instead of bootstrapping (minutes).
 */
export async function debian12Tarball(): Promise<string> {
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  const tarball = join(ROOTFS_CACHE, `debian12-minbase-${day}.tar`);
  if (existsSync(tarball)) return tarball;
  mkdirSync(ROOTFS_CACHE, { recursive: true });
  const root = tempDir('ow-debootstrap');
  try {
    await exec('debootstrap', ['--variant=minbase', '--include=openssl,adduser', 'bookworm', root, MIRROR], {
      maxBuffer: 64 * 1024 * 1024,
    });
    await exec('tar', ['-C', root, '-cf', `${tarball}.partial`, '.']);
    renameSync(`${tarball}.partial`, tarball);
    return tarball;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export interface ChrootOptions {
  /** Run as this user:group (chroot --userspec). */
  user?: string;
  /** The whole environment of the command (env -i), as systemd gives a unit nothing else. */
  env?: Record<string, string>;
  input?: string;
}

/** The argv that runs `cmd` inside `root` in a private mount namespace with /proc and /dev mounted. */
function chrootArgv(root: string, cmd: string[], o: ChrootOptions): string[] {
  const env = Object.entries(o.env ?? { PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin' }).map(
    ([k, v]) => `${k}=${v}`,
  );
  const inner = [
    'chroot',
    ...(o.user ? [`--userspec=${o.user}`] : []),
    root,
    '/usr/bin/env',
    '-i',
    ...env,
    ...cmd,
  ];
  const script = [
    `mount -t proc proc ${shq(join(root, 'proc'))}`,
    `mount --rbind /dev ${shq(join(root, 'dev'))}`,
    `exec ${inner.map(shq).join(' ')}`,
  ].join(' && ');
  // The mounts live and die with this namespace: nothing is left mounted on the shared machine.
  return ['unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c', script];
}

export async function inChroot(
  root: string,
  cmd: string[],
  o: ChrootOptions = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const [bin = 'unshare', ...args] = chrootArgv(root, cmd, o);
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(o.input ?? '');
  });
}

/** A long-running command in the chroot (its own process group, so stopping it ends the namespace). */
export function spawnInChroot(root: string, cmd: string[], o: ChrootOptions = {}): ChildProcess {
  const [bin = 'unshare', ...args] = chrootArgv(root, cmd, o);
  return spawn(bin, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
}

import { isGlob } from './glob.ts';
import { MODPROBE_DIRS } from '../parsers/modprobe.ts';
import { SYSCTL_CONF, SYSCTL_DIRS } from '../parsers/sysctl.ts';

/** Fact key builders: the only place key spellings are made. */
export const fileKey = (path: string): string => `file:${path}`;
export const filesKey = (glob: string): string => `files:${glob}`;
export const statKey = (pathOrGlob: string): string => `stat:${pathOrGlob}`;
export const sysctlKey = (key: string): string => `sysctl:${key}`;
export const serviceKey = (unit: string): string => `service:${unit}`;
export const sshdTKey = (spec?: string): string => (spec ? `sshd_t:${spec}` : 'sshd_t');
export const commandKey = (argv: readonly string[]): string => `command:${JSON.stringify(argv)}`;

/** A literal path reads as `file:`, a glob as a `files:` bundle. */
export const contentKey = (pathOrGlob: string): string =>
  isGlob(pathOrGlob) ? filesKey(pathOrGlob) : fileKey(pathOrGlob);

/** Bundles: a listing of the files matching these globs, plus a `file:` fact per file. */
export const NAMED_BUNDLES: Readonly<Record<string, readonly string[]>> = {
  sshd_config: ['/etc/ssh/sshd_config', '/etc/ssh/sshd_config.d/*.conf'],
  sysctl_d: [...SYSCTL_DIRS.map((d) => `${d}/*.conf`), SYSCTL_CONF],
  modprobe_d: MODPROBE_DIRS.map((d) => `${d}/*.conf`),
  audit_rules_d: ['/etc/audit/rules.d/*.rules'],
  pam_d: ['/etc/pam.d/*'],
  sudoers: ['/etc/sudoers', '/etc/sudoers.d/*'],
  bootloader: [
    '/boot/grub/grub.cfg',
    '/boot/grub2/grub.cfg',
    '/boot/efi/EFI/*/grub.cfg',
    '/boot/loader/entries/*.conf',
    '/etc/default/grub',
    '/etc/default/grub.d/*.cfg',
  ],
  listening: ['/proc/net/tcp', '/proc/net/tcp6', '/proc/net/udp', '/proc/net/udp6'],
};

/** Facts that are a single file under a stable name. */
export const NAMED_FILES: Readonly<Record<string, string>> = {
  mounts: '/proc/self/mounts',
};

/** Facts produced by a fixed command template. */
export const NAMED_COMMANDS = [
  'packages',
  'shadow',
  'audit_rules_loaded',
  'audit_status',
  'modules_available',
  'fs_walk',
  'unit_files',
] as const;

export function isBundleKey(key: string): boolean {
  return key.startsWith('files:') || key in NAMED_BUNDLES;
}

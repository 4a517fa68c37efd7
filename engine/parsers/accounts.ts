import { numberedLines } from './lines.ts';

export interface PasswdEntry {
  name: string;
  password: string;
  uid: number;
  gid: number;
  gecos: string;
  home: string;
  shell: string;
  line: number;
}

export interface ShadowEntry {
  name: string;
  /** Redacted on the host: `!`/`*` prefix kept, `$id$` or `HASH` for a hash, empty for none. */
  hash: string;
  lastChange: string;
  minDays: string;
  maxDays: string;
  warnDays: string;
  inactive: string;
  expire: string;
  line: number;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
  line: number;
}

function rows(text: string): { f: string[]; n: number }[] {
  return numberedLines(text)
    .filter((l) => l.text.trim() !== '' && !l.text.startsWith('#') && !/^[+-]/.test(l.text))
    .map((l) => ({ f: l.text.split(':'), n: l.n }));
}

export function parsePasswd(text: string): PasswdEntry[] {
  return rows(text).map(({ f, n }) => ({
    name: f[0] ?? '',
    password: f[1] ?? '',
    uid: Number(f[2]),
    gid: Number(f[3]),
    gecos: f[4] ?? '',
    home: f[5] ?? '',
    shell: f[6] ?? '',
    line: n,
  }));
}

export function parseShadow(text: string): ShadowEntry[] {
  return rows(text).map(({ f, n }) => ({
    name: f[0] ?? '',
    hash: f[1] ?? '',
    lastChange: f[2] ?? '',
    minDays: f[3] ?? '',
    maxDays: f[4] ?? '',
    warnDays: f[5] ?? '',
    inactive: f[6] ?? '',
    expire: f[7] ?? '',
    line: n,
  }));
}

export function parseGroup(text: string): GroupEntry[] {
  return rows(text).map(({ f, n }) => ({
    name: f[0] ?? '',
    gid: Number(f[2]),
    members: (f[3] ?? '').split(',').filter((m) => m !== ''),
    line: n,
  }));
}

/** The password field holds a usable hash: not empty, not locked with `!` or `*`. */
export function hasPassword(hash: string): boolean {
  return hash !== '' && !hash.startsWith('!') && !hash.startsWith('*');
}

export function isLocked(hash: string): boolean {
  return hash.startsWith('!') || hash.startsWith('*');
}

export const NOLOGIN_SHELLS = new Set(['/usr/sbin/nologin', '/sbin/nologin', '/bin/false', '/usr/bin/false']);

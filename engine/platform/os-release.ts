import type { Platform } from '../types.ts';
import { versionInRange } from './version.ts';

const RHEL_IDS = new Set(['rhel', 'rocky', 'almalinux', 'ol', 'centos']);

/** Parses os-release (shell-style KEY=value with optional quotes). */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!m?.[1] || m[2] === undefined) continue;
    let v = m[2].trim();
    if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.endsWith(v[0])) v = v.slice(1, -1);
    out[m[1]] = v.replace(/\\(["$`\\])/g, '$1');
  }
  return out;
}

export function familyOf(id: string, idLike: string): string {
  if (id === 'debian' || id === 'ubuntu') return id;
  if (RHEL_IDS.has(id)) return 'rhel';
  const like = idLike.split(/\s+/);
  if (like.includes('rhel')) return 'rhel';
  return 'unknown';
}

export function platformFromOsRelease(text: string): Platform {
  const kv = parseOsRelease(text);
  const id = kv.ID ?? 'unknown';
  return {
    family: familyOf(id, kv.ID_LIKE ?? ''),
    id,
    version: kv.VERSION_ID ?? '',
    name: kv.PRETTY_NAME ?? kv.NAME ?? id,
  };
}

export interface PlatformSpec {
  family: string;
  min_version?: string;
  max_version?: string;
}

export function platformMatches(specs: readonly PlatformSpec[] | undefined, p: Platform): boolean {
  if (!specs || specs.length === 0) return true;
  return specs.some((s) => s.family === p.family && versionInRange(p.version, s.min_version, s.max_version));
}

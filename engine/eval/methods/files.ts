import { z } from 'zod';
import { statKey } from '../../facts/keys.ts';
import { formatStat, parseStat, type StatEntry } from '../../parsers/stat.ts';
import type { Evidence } from '../../types.ts';
import { modeAtMost } from '../compare.ts';
import { defineMethod } from '../method.ts';
import { outcome } from '../outcome.ts';
import { GlobPath, OctalMode } from '../params.ts';
import { FactUnavailable, type FactReader } from '../reader.ts';
import { capList } from './common.ts';

function stat(read: FactReader, path: string): StatEntry[] {
  const key = statKey(path);
  const r = parseStat(read.text(key));
  if (r.denied.length > 0) throw new FactUnavailable(key, `permission denied: ${r.denied.join(', ')}`);
  return r.entries;
}

const TYPES: Record<string, (t: string) => boolean> = {
  file: (t) => t.startsWith('regular'),
  directory: (t) => t === 'directory',
  any: () => true,
};

export const fileExists = defineMethod({
  name: 'file_exists',
  params: z.strictObject({ path: GlobPath, type: z.enum(['file', 'directory', 'any']).optional() }),
  facts: (p) => [statKey(p.path)],
  evaluate(p, { read }) {
    const type = p.type ?? 'any';
    const hits = stat(read, p.path).filter((e) => TYPES[type]?.(e.type));
    const { shown } = capList(hits, 5);
    return outcome(hits.length > 0, [
      {
        source: `stat ${p.path}`,
        observed: hits.length > 0 ? shown.map(formatStat).join('; ') : null,
        expected: `${p.path} exists${type === 'any' ? '' : ` as a ${type}`}`,
      },
    ]);
  },
});

export const fileAbsent = defineMethod({
  name: 'file_absent',
  params: z.strictObject({ path: GlobPath }),
  facts: (p) => [statKey(p.path)],
  evaluate(p, { read }) {
    const hits = stat(read, p.path);
    const { shown } = capList(hits, 5);
    return outcome(hits.length === 0, [
      {
        source: `stat ${p.path}`,
        observed: hits.length > 0 ? shown.map(formatStat).join('; ') : null,
        expected: `${p.path} absent`,
      },
    ]);
  },
});

const Owner = z.union([
  z.string().min(1),
  z.number().int(),
  z.array(z.union([z.string().min(1), z.number().int()])).min(1),
]);

function ownerOk(want: string | number | (string | number)[] | undefined, name: string, id: number): boolean {
  if (want === undefined) return true;
  const list = Array.isArray(want) ? want : [want];
  return list.some((w) => String(w) === name || String(w) === String(id));
}

function words(w: string | number | (string | number)[]): string {
  return Array.isArray(w) ? w.join(' or ') : String(w);
}

export const filePermissions = defineMethod({
  name: 'file_permissions',
  params: z.strictObject({
    path: GlobPath,
    mode: OctalMode.optional(),
    owner: Owner.optional(),
    group: Owner.optional(),
    if_missing: z.enum(['fail', 'pass']).optional(),
  }),
  check: (p) =>
    p.mode === undefined && p.owner === undefined && p.group === undefined
      ? 'give at least one of mode, owner, group'
      : undefined,
  facts: (p) => [statKey(p.path)],
  evaluate(p, { read }) {
    const entries = stat(read, p.path);
    const parts: string[] = [];
    if (p.mode !== undefined) parts.push(`mode at most ${p.mode}`);
    if (p.owner !== undefined) parts.push(`owner ${words(p.owner)}`);
    if (p.group !== undefined) parts.push(`group ${words(p.group)}`);
    const expected = `${p.path}: ${parts.join(', ')}`;
    if (entries.length === 0) {
      // CIS and ComplianceAsCode audit permissions only of files that exist; a rule that needs the
      // file says `if_missing: fail` (or has a file_exists check of its own).
      const missing = p.if_missing ?? 'pass';
      return outcome(missing === 'pass', [
        {
          source: `stat ${p.path}`,
          observed: null,
          expected: missing === 'pass' ? `${expected} (or not present)` : expected,
          note: 'not present',
        },
      ]);
    }
    const bad = entries.filter(
      (e) =>
        (p.mode !== undefined && !modeAtMost(e.mode, p.mode)) ||
        !ownerOk(p.owner, e.user, e.uid) ||
        !ownerOk(p.group, e.group, e.gid),
    );
    const shownEntries = bad.length > 0 ? bad : entries;
    const { shown, more } = capList(shownEntries, 10);
    const evidence: Evidence[] = shown.map((e) => ({
      source: `stat ${e.path}`,
      observed: formatStat(e),
      expected,
    }));
    if (more > 0) evidence.push({ source: `stat ${p.path}`, observed: `${more} more`, expected });
    return outcome(bad.length === 0, evidence);
  },
});

import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.ts';
import * as sql from '../db/sql/intel.ts';
import type { Db } from '../db/types.ts';
import { emitEvents } from '../events/emit.ts';
import { links, type NewEvent } from '../events/kinds.ts';
import { itemKey, type IntelItem, type IntelSection } from './sections.ts';

export interface SectionDiff {
  added: IntelItem[];
  removed: IntelItem[];
  changed: { key: string; before: IntelItem; after: IntelItem }[];
}

export function diffItems(
  section: IntelSection,
  before: readonly IntelItem[],
  after: readonly IntelItem[],
): SectionDiff {
  const old = new Map(before.map((i) => [itemKey(section, i), i]));
  const now = new Map(after.map((i) => [itemKey(section, i), i]));
  const d: SectionDiff = { added: [], removed: [], changed: [] };
  for (const [k, i] of now) {
    const was = old.get(k);
    if (!was) d.added.push(i);
    else if (canonicalJson(was) !== canonicalJson(i)) d.changed.push({ key: k, before: was, after: i });
  }
  for (const [k, i] of old) if (!now.has(k)) d.removed.push(i);
  return d;
}

/** The events a section's diff becomes: one per package, port or user; one summary for other sections. */
export function diffEvents(hostId: string, section: IntelSection, d: SectionDiff): NewEvent[] {
  const base = { hostId, link: `${links.host(hostId)}/intel?section=${section}` };
  const each = (
    kind: NewEvent['kind'],
    items: readonly IntelItem[],
    severity: (i: IntelItem) => NewEvent['severity'] = () => null,
  ) => items.map((i) => ({ ...base, kind, severity: severity(i), data: { ...i } }));
  const rootUser = (i: IntelItem): NewEvent['severity'] => (i.uid === 0 ? 'critical' : 'low');
  switch (section) {
    case 'packages':
      return [
        ...each('intel.package_added', d.added),
        ...each('intel.package_removed', d.removed),
        ...d.changed.map((c) => ({
          ...base,
          kind: 'intel.package_upgraded' as const,
          data: { name: c.after.name, arch: c.after.arch, from: c.before.version, to: c.after.version },
        })),
      ];
    case 'ports':
      return [
        ...each('intel.port_opened', d.added, (i) => (i.port === 23 || i.port === 21 ? 'high' : 'low')),
        ...each('intel.port_closed', d.removed),
        // Same socket, another process: no port opened or closed, but worth knowing.
        ...(d.changed.length > 0
          ? [
              {
                ...base,
                kind: 'intel.section_changed' as const,
                data: { section, added: 0, removed: 0, changed: d.changed.length },
              },
            ]
          : []),
      ];
    case 'users':
      return [
        ...each('intel.user_added', d.added, rootUser),
        ...each('intel.user_removed', d.removed),
        ...d.changed.map((c) => ({
          ...base,
          kind: 'intel.user_changed' as const,
          severity: c.after.uid === 0 && c.before.uid !== 0 ? ('critical' as const) : null,
          data: { name: c.after.name, before: c.before, after: c.after },
        })),
      ];
    default:
      return [
        {
          ...base,
          kind: 'intel.section_changed',
          data: { section, added: d.added.length, removed: d.removed.length, changed: d.changed.length },
        },
      ];
  }
}

export interface CollectedIntel {
  /** Sections the host answered; a section that failed is left as it was. */
  sections: Partial<Record<IntelSection, IntelItem[]>>;
  uptimeSeconds: number | null;
  at: Date;
}

/**
 * Stores one collection write-on-change, in one transaction: a section whose content hash is unchanged
 * is only marked seen; a changed one is replaced, its diff kept in host_intel_changes and turned into
 * events. The first collection of a section is the baseline: stored, no diff, no events.
 */
export async function applyIntel(
  db: Db,
  hostId: string,
  c: CollectedIntel,
): Promise<{ changed: string[]; events: number }> {
  return db.transaction(async (tx) => {
    const stored = new Map((await sql.lockHostIntel(tx, hostId)).map((r) => [r.section, r]));
    await sql.touchHostIntel(tx, hostId, c.at);
    await sql.recordUptime(tx, hostId, c.uptimeSeconds);
    const changed: string[] = [];
    const events: NewEvent[] = [];
    for (const [section, items] of Object.entries(c.sections) as [IntelSection, IntelItem[]][]) {
      const sorted = [...items].sort((a, b) => itemKey(section, a).localeCompare(itemKey(section, b)));
      const hash = createHash('sha256').update(canonicalJson(sorted)).digest('hex');
      const before = stored.get(section);
      if (before?.content_hash === hash) continue;
      await sql.upsertIntelSection(tx, hostId, { section, hash, items: sorted, at: c.at });
      changed.push(section);
      if (!before) continue;
      const d = diffItems(section, before.items, sorted);
      await sql.insertIntelChange(tx, hostId, { section, at: c.at, ...d });
      events.push(...diffEvents(hostId, section, d));
    }
    await emitEvents(tx, events);
    return { changed, events: events.length };
  });
}

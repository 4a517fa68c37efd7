import { decodeSection, type Section } from '../facts/framing.ts';
import type { RawFact } from '../facts/store.ts';
import { splitShowOutput } from '../parsers/systemd.ts';
import { SECTION_CAP, WALK_CAP } from './prologue.ts';
import { SERVICE_BATCH, STAT_BATCH, statOwners } from './script.ts';

export function capFor(key: string): number {
  return key === 'fs_walk' ? WALK_CAP : SECTION_CAP;
}

function statLinePath(line: string): string | undefined {
  if (line.startsWith('stat:')) return /'(.*)'/.exec(line)?.[1];
  const f = line.split('|');
  return f.length >= 8 ? f.slice(7).join('|') : undefined;
}

/**
 * Turns decoded sections into facts: direct sections keep their key, the stat batch is fanned out by
 * path to every requested pattern it matches, the systemctl batch by position to its units.
 */
export function sectionsToFacts(
  sections: readonly Section[],
  requested: ReadonlySet<string>,
): Map<string, RawFact> {
  const facts = new Map<string, RawFact>();
  const statKeys = [...requested].filter((k) => k.startsWith('stat:')).sort();
  const units = [...requested].filter((k) => k.startsWith('service:')).sort();
  for (const s of sections) {
    const { text, truncated } = decodeSection(s.body, capFor(s.key));
    if (s.key === STAT_BATCH) {
      const owners = statOwners(statKeys.map((k) => k.slice(5)));
      const acc = new Map<string, string[]>(statKeys.map((k) => [k, []]));
      for (const line of text.split('\n')) {
        const path = line === '' ? undefined : statLinePath(line);
        if (path === undefined) continue;
        for (const p of owners(path)) acc.get(`stat:${p}`)?.push(line);
      }
      // stat exits 1 when any path is missing; only "cannot run stat at all" makes the facts unusable.
      const rc = s.rc === 126 || s.rc === 127 || s.rc === null ? s.rc : 0;
      for (const [k, ls] of acc) facts.set(k, { text: ls.map((l) => `${l}\n`).join(''), rc, truncated });
      continue;
    }
    if (s.key === SERVICE_BATCH) {
      const blocks = text.trim() === '' ? [] : splitShowOutput(text);
      const ok = s.rc === 0 && blocks.length === units.length;
      units.forEach((k, i) =>
        facts.set(k, { text: ok ? (blocks[i] ?? '') : '', rc: ok ? 0 : (s.rc ?? null) || 1, truncated }),
      );
      continue;
    }
    facts.set(s.key, { text, rc: s.rc, truncated });
  }
  return facts;
}

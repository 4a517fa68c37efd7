import { z } from 'zod';
import { globToRegExp } from '../../facts/glob.ts';
import { parseWalk, WALK_KINDS } from '../../parsers/fswalk.ts';
import type { Evidence } from '../../types.ts';
import { defineMethod } from '../method.ts';
import { outcome } from '../outcome.ts';
import { GlobPath } from '../params.ts';
import { capList } from './common.ts';
import { FactUnavailable } from '../reader.ts';

export const fsWalk = defineMethod({
  name: 'fs_walk',
  params: z.strictObject({ kind: z.enum(WALK_KINDS), allow: z.array(GlobPath).optional() }),
  facts: () => ['fs_walk'],
  evaluate(p, { read, caps }) {
    const raw = read.raw('fs_walk');
    // find exits 1 when it could not read something: fatal without root, a vanished temp file with it.
    if (raw.rc !== 0 && !(raw.rc === 1 && caps.has('root'))) {
      throw new FactUnavailable(
        'fs_walk',
        raw.rc === 1 ? 'find could not read every directory (not root)' : `exit status ${raw.rc ?? 'signal'}`,
      );
    }
    const allow = (p.allow ?? []).map(globToRegExp);
    const hits = parseWalk(raw.text).filter((h) => h.kind === p.kind && !allow.some((re) => re.test(h.path)));
    const expected = `no ${p.kind.replace(/_/g, ' ')} entries${allow.length ? ' outside the allow list' : ''}`;
    if (hits.length === 0)
      return outcome(true, [{ source: 'find (local filesystems)', observed: null, expected }]);
    const { shown, more } = capList(hits, 20);
    const evidence: Evidence[] = shown.map((h) => ({
      source: h.path,
      observed: `mode ${h.mode} owner ${h.user} group ${h.group}`,
      expected,
    }));
    if (more > 0) evidence.push({ source: 'find (local filesystems)', observed: `${more} more`, expected });
    return outcome(false, evidence);
  },
});

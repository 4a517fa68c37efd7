import { z } from 'zod';
import { fileKey } from '../../facts/keys.ts';
import { mountAt, parseMounts, type MountEntry } from '../../parsers/mounts.ts';
import type { Evidence } from '../../types.ts';
import { defineMethod } from '../method.ts';
import { notApplicable, outcome } from '../outcome.ts';
import { AbsPath } from '../params.ts';
import type { FactReader } from '../reader.ts';

const FSTAB = '/etc/fstab';
const Source = z.enum(['runtime', 'fstab', 'both']);
type Src = z.output<typeof Source>;

function facts(source: Src | undefined): string[] {
  const s = source ?? 'runtime';
  return [...(s !== 'fstab' ? ['mounts'] : []), ...(s !== 'runtime' ? [fileKey(FSTAB)] : [])];
}

interface Found {
  where: 'runtime' | 'fstab';
  entry: MountEntry | undefined;
  source: string;
}

function lookup(read: FactReader, source: Src | undefined, target: string): Found[] {
  const s = source ?? 'runtime';
  const out: Found[] = [];
  if (s !== 'fstab') {
    const e = mountAt(parseMounts(read.text('mounts')), target);
    out.push({ where: 'runtime', entry: e, source: e ? `/proc/self/mounts:${e.line}` : '/proc/self/mounts' });
  }
  if (s !== 'runtime') {
    const f = read.file(FSTAB);
    const e = f.exists ? mountAt(parseMounts(f.text), target) : undefined;
    out.push({ where: 'fstab', entry: e, source: e ? `${FSTAB}:${e.line}` : FSTAB });
  }
  return out;
}

const describe = (e: MountEntry): string =>
  `${e.source} on ${e.target} type ${e.fstype} (${e.options.join(',')})`;

export const mountOption = defineMethod({
  name: 'mount_option',
  params: z.strictObject({
    mount_point: AbsPath,
    option: z.string().regex(/^[a-z0-9_=.-]+$/, 'must be a mount option like nodev'),
    expect: z.enum(['present', 'absent']).optional(),
    source: Source.optional(),
    if_not_mounted: z.enum(['not_applicable', 'fail', 'pass']).optional(),
  }),
  facts: (p) => facts(p.source),
  evaluate(p, { read }) {
    const expect = p.expect ?? 'present';
    const expected = `${p.mount_point} mounted with${expect === 'absent' ? 'out' : ''} ${p.option}`;
    const found = lookup(read, p.source, p.mount_point);
    const present = found.filter((f) => f.entry !== undefined);
    if (present.length === 0) {
      const ev: Evidence[] = [
        {
          source: found.map((f) => f.source).join(', '),
          observed: null,
          expected,
          note: `${p.mount_point} is not a separate mount`,
        },
      ];
      const what = p.if_not_mounted ?? 'not_applicable';
      return what === 'not_applicable' ? notApplicable('dependency', ev) : outcome(what === 'pass', ev);
    }
    // With source both, a mount that only exists at runtime (systemd tmp.mount) is judged at runtime only.
    const evidence: Evidence[] = [];
    let ok = true;
    for (const f of present) {
      const has = f.entry?.options.includes(p.option) ?? false;
      ok &&= expect === 'present' ? has : !has;
      evidence.push({ source: f.source, observed: f.entry ? describe(f.entry) : null, expected });
    }
    return outcome(ok, evidence);
  },
});

export const separatePartition = defineMethod({
  name: 'separate_partition',
  params: z.strictObject({ mount_point: AbsPath, source: Source.optional() }),
  facts: (p) => facts(p.source),
  evaluate(p, { read }) {
    const found = lookup(read, p.source, p.mount_point);
    const expected = `${p.mount_point} is a separate mount`;
    return outcome(
      found.every((f) => f.entry !== undefined),
      found.map((f) => ({ source: f.source, observed: f.entry ? describe(f.entry) : null, expected })),
    );
  },
});

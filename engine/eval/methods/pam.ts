import { z } from 'zod';
import { pamArg, pamStack, PAM_TYPES, type PamEntry } from '../../parsers/pam.ts';
import { compare, CmpValueSchema, describeComparator, OpSchema } from '../compare.ts';
import { defineMethod } from '../method.ts';
import { outcome } from '../outcome.ts';
import { bundleMap, checkComparator } from './common.ts';
import type { Evidence } from '../../types.ts';

const Module = z.string().regex(/^[A-Za-z0-9_./-]+\.so$/, 'must be a PAM module like pam_unix.so');

const ArgSpec = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_]+$/, 'must be an argument name'),
  op: OpSchema.optional(),
  value: CmpValueSchema.optional(),
});

type Arg = z.output<typeof ArgSpec>;

function argOk(entry: PamEntry, a: Arg): boolean {
  const v = pamArg(entry.args, a.name);
  if (v === undefined) return false;
  if (a.value === undefined) return true;
  return compare(v === true ? '' : v, a.op ?? '==', a.value);
}

function describeArgs(args: readonly Arg[]): string {
  return args
    .map((a) => (a.value === undefined ? a.name : `${a.name} ${describeComparator(a.op ?? '==', a.value)}`))
    .join(', ');
}

const normControl = (c: string): string =>
  c.startsWith('[') ? `[${c.slice(1, -1).trim().split(/\s+/).join(' ')}]` : c;

export const pamModule = defineMethod({
  name: 'pam_module',
  params: z.strictObject({
    service: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'must be a file name in /etc/pam.d'),
    type: z.enum(PAM_TYPES),
    module: Module,
    expect: z.enum(['present', 'absent']).optional(),
    control: z.string().min(1).optional(),
    args: z.array(ArgSpec).optional(),
    before: Module.optional(),
  }),
  check(p) {
    for (const a of p.args ?? []) {
      if (a.value !== undefined) {
        const problem = checkComparator({ op: a.op, value: a.value });
        if (problem) return `args.${a.name}: ${problem}`;
      }
    }
    return undefined;
  },
  facts: () => ['pam_d'],
  evaluate(p, { read }) {
    const files = read.derived('pam_d', 'map', bundleMap);
    const { entries } = pamStack(files, p.service, p.type);
    const wantControl = p.control ? normControl(p.control) : undefined;
    const args = p.args ?? [];
    const isMod = (e: PamEntry): boolean => e.module === p.module.slice(p.module.lastIndexOf('/') + 1);
    const hits = entries.filter(
      (e) => isMod(e) && (!wantControl || e.control === wantControl) && args.every((a) => argOk(e, a)),
    );
    const expect = p.expect ?? 'present';
    let expected = `${p.service} ${p.type} ${wantControl ?? '*'} ${p.module}${args.length ? ` with ${describeArgs(args)}` : ''} ${expect}`;
    let ok = expect === 'present' ? hits.length > 0 : hits.length === 0;
    if (ok && expect === 'present' && p.before) {
      expected += `, before ${p.before}`;
      const first = hits[0] ? entries.indexOf(hits[0]) : -1;
      const later = entries.findIndex((e) => e.module === p.before);
      ok = later === -1 || first < later;
    }
    const shown = hits.length > 0 ? hits : entries.filter(isMod);
    const evidence: Evidence[] = shown.slice(0, 5).map((e) => ({
      source: `${e.file}:${e.line}`,
      observed: `${e.optional ? '-' : ''}${e.type} ${e.control} ${e.module} ${e.args.join(' ')}`.trim(),
      expected,
    }));
    if (evidence.length === 0) evidence.push({ source: `/etc/pam.d/${p.service}`, observed: null, expected });
    return outcome(ok, evidence);
  },
});

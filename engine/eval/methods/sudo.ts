import { z } from 'zod';
import { parseSudoers } from '../../parsers/sudoers.ts';
import type { Evidence } from '../../types.ts';
import { compare, CmpValueSchema, describeComparator, OpSchema } from '../compare.ts';
import { defineMethod } from '../method.ts';
import { outcome } from '../outcome.ts';
import { checkComparator } from './common.ts';

export const sudoers = defineMethod({
  name: 'sudoers',
  params: z.strictObject({
    option: z
      .string()
      .regex(/^[a-z_]+$/, 'must be a sudoers Defaults option name')
      .optional(),
    expect: z.enum(['present', 'absent']).optional(),
    op: OpSchema.optional(),
    value: CmpValueSchema.optional(),
    assert: z.enum(['no_nopasswd', 'no_authenticate_disabled']).optional(),
  }),
  check(p) {
    if ((p.option === undefined) === (p.assert === undefined)) return 'give exactly one of option and assert';
    if (p.value !== undefined) return checkComparator({ op: p.op, value: p.value });
    return undefined;
  },
  facts: () => ['sudoers'],
  evaluate(p, { read }) {
    // sudo's includedir skips names containing "." or ending in "~" (editor backups, package leftovers).
    const files = read
      .bundle('sudoers')
      .filter((f) => f.path === '/etc/sudoers' || !/[.]|~$/.test(f.path.slice(f.path.lastIndexOf('/') + 1)))
      .sort((a, b) =>
        a.path === '/etc/sudoers' ? -1 : b.path === '/etc/sudoers' ? 1 : a.path < b.path ? -1 : 1,
      );
    const parsed = parseSudoers(files);
    if (p.assert === 'no_nopasswd') {
      const ev: Evidence[] = parsed.nopasswd
        .slice(0, 10)
        .map((n) => ({ source: n.source, observed: n.text, expected: 'no NOPASSWD tag' }));
      return outcome(
        ev.length === 0,
        ev.length ? ev : [{ source: 'sudoers', observed: null, expected: 'no NOPASSWD tag' }],
      );
    }
    if (p.assert === 'no_authenticate_disabled') {
      const bad = [...parsed.defaults, ...parsed.scopedDefaults].filter(
        (d) => d.name === 'authenticate' && d.negated,
      );
      const ev: Evidence[] = bad.map((d) => ({
        source: d.source,
        observed: '!authenticate',
        expected: 'authentication never disabled',
      }));
      return outcome(
        bad.length === 0,
        ev.length ? ev : [{ source: 'sudoers', observed: null, expected: 'authentication never disabled' }],
      );
    }
    const name = p.option ?? '';
    const last = parsed.defaults.filter((d) => d.name === name).pop();
    const expect = p.expect ?? 'present';
    const set = last !== undefined && !last.negated;
    const ok = expect === 'present' ? set : !set;
    let expected = `Defaults ${name} ${expect === 'present' ? 'set' : 'not set'}`;
    if (ok && expect === 'present' && p.value !== undefined) {
      const cmp = { op: p.op ?? '==', value: p.value };
      expected = `Defaults ${name} ${describeComparator(cmp.op, cmp.value)}`;
      // Every assignment must comply, not only the one sudo applies (the last): CIS's audit greps every
      // value in /etc/sudoers*, and ComplianceAsCode fails conflicting definitions.
      const bad = parsed.defaults.filter(
        (d) => d.name === name && !d.negated && !compare(d.value ?? null, cmp.op, cmp.value),
      );
      if (bad.length > 0) {
        return outcome(
          false,
          bad.map((d) => ({
            source: d.source,
            observed: `${d.name}=${d.value ?? ''}`,
            expected,
            ...(d === last ? {} : { note: 'overridden by a later assignment, but a wrong value' }),
          })),
        );
      }
    }
    const observed = last
      ? `${last.negated ? '!' : ''}${last.name}${last.value !== undefined ? `=${last.value}` : ''}`
      : null;
    return outcome(ok, [{ source: last?.source ?? 'sudoers', observed, expected }]);
  },
});

import { z } from 'zod';
import { fileKey, filesKey } from '../../facts/keys.ts';
import { parseLimits } from '../../parsers/limits.ts';
import type { Evidence } from '../../types.ts';
import { compare, describeComparator } from '../compare.ts';
import { defineMethod } from '../method.ts';
import { outcome } from '../outcome.ts';
import { comparatorShape } from '../params.ts';
import { capList, checkComparator } from './common.ts';

const LIMITS_CONF = '/etc/security/limits.conf';
const LIMITS_D = '/etc/security/limits.d/*.conf';

export const pamLimits = defineMethod({
  name: 'pam_limits',
  params: z.strictObject({
    item: z.string().regex(/^[a-z_]+$/, 'must be a pam_limits item such as core or maxlogins'),
    domain: z.string().min(1).optional(),
    type: z.enum(['hard', 'soft']).optional(),
    ...comparatorShape,
  }),
  check: checkComparator,
  facts: () => [fileKey(LIMITS_CONF), filesKey(LIMITS_D)],
  evaluate(p, { read }) {
    const domain = p.domain ?? '*';
    const type = p.type ?? 'hard';
    const main = read.file(LIMITS_CONF);
    // pam_limits reads limits.conf, then limits.d/*.conf in C-locale order, as if concatenated: a later
    // line for the same domain and item replaces an earlier one.
    const dropIns = read.bundle(filesKey(LIMITS_D));
    const files = [...(main.exists ? [{ path: LIMITS_CONF, text: main.text }] : []), ...dropIns];
    const entries = parseLimits(files).filter(
      (e) => e.domain === domain && e.item === p.item && (e.type === type || e.type === '-'),
    );
    const subject = `${domain} ${type} ${p.item}`;
    const expected = `${subject} ${describeComparator(p.op ?? '==', p.value)}`;
    const effective = entries[entries.length - 1];
    if (!effective) {
      return outcome(false, [
        { source: `${LIMITS_CONF}, ${LIMITS_D}`, observed: null, expected, note: 'not set' },
      ]);
    }
    const satisfies = (v: string): boolean => compare(v, p.op ?? '==', p.value);
    // A wrong value in a limits.d file fails even when a later file overrides it, as ComplianceAsCode
    // checks every drop-in; limits.conf counts only where no drop-in sets the item.
    const bad = entries.filter((e) => e.file !== LIMITS_CONF && !satisfies(e.value));
    const ok = satisfies(effective.value) && bad.length === 0;
    const shown = capList([...new Set([...bad, effective])], 10).shown;
    const evidence: Evidence[] = shown.map((e) => ({
      source: `${e.file}:${e.line}`,
      observed: `${e.domain} ${e.type} ${e.item} ${e.value}`,
      expected,
      ...(e === effective ? { note: 'effective (read last)' } : { note: 'overridden, but a wrong value' }),
    }));
    return outcome(ok, evidence);
  },
});

import { z } from 'zod';
import { commandKey } from '../../facts/keys.ts';
import type { Evidence } from '../../types.ts';
import { defineMethod } from '../method.ts';
import { outcome } from '../outcome.ts';
import { Regex } from '../params.ts';
import { FactUnavailable } from '../reader.ts';

export const command = defineMethod({
  name: 'command',
  params: z.strictObject({
    argv: z
      .array(
        z
          .string()
          .min(1)
          .refine((s) => !/[\0\n]/.test(s), 'must not contain NUL or line breaks'),
      )
      .min(1),
    stdout_regex: Regex.optional(),
    expect: z.enum(['match', 'no_match']).optional(),
    exit_code: z.number().int().optional(),
  }),
  check: (p) =>
    p.stdout_regex === undefined && p.exit_code === undefined ? 'give stdout_regex or exit_code' : undefined,
  facts: (p) => [commandKey(p.argv)],
  evaluate(p, { read }) {
    const key = commandKey(p.argv);
    const f = read.raw(key);
    if (f.rc === null || f.rc === 126 || f.rc === 127)
      throw new FactUnavailable(key, f.rc === null ? 'killed' : `exit status ${f.rc}`);
    const shown = p.argv.join(' ');
    const evidence: Evidence[] = [];
    let ok = true;
    if (p.exit_code !== undefined) {
      ok &&= f.rc === p.exit_code;
      evidence.push({ source: shown, observed: `exit ${f.rc}`, expected: `exit ${p.exit_code}` });
    }
    if (p.stdout_regex !== undefined) {
      const m = new RegExp(p.stdout_regex, 'm').exec(f.text);
      const want = p.expect ?? 'match';
      ok &&= want === 'match' ? m !== null : m === null;
      evidence.push({
        source: shown,
        observed: m ? m[0] : f.text.slice(0, 200) || null,
        expected: `stdout ${want === 'match' ? 'matches' : 'does not match'} /${p.stdout_regex}/`,
      });
    }
    return outcome(ok, evidence);
  },
});

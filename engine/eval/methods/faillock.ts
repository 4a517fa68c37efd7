import { z } from 'zod';
import { fileKey } from '../../facts/keys.ts';
import { numberedLines } from '../../parsers/lines.ts';
import { pamArg, pamStack } from '../../parsers/pam.ts';
import type { Evidence } from '../../types.ts';
import { defineMethod } from '../method.ts';
import { outcome } from '../outcome.ts';
import { comparatorShape } from '../params.ts';
import { bundleMap, checkComparator, judge } from './common.ts';

const FAILLOCK_CONF = '/etc/security/faillock.conf';

/** The last `name = value` of faillock.conf; `#` starts a comment anywhere, as pam_faillock reads it. */
function confValue(text: string, name: string): { value: string; line: number } | undefined {
  let found: { value: string; line: number } | undefined;
  for (const l of numberedLines(text)) {
    const m = /^\s*([A-Za-z_]+)\s*(?:=\s*(.*?))?\s*$/.exec(l.text.split('#')[0] ?? '');
    if (m?.[1] === name && m[2] !== undefined) found = { value: m[2], line: l.n };
  }
  return found;
}

export const pamFaillock = defineMethod({
  name: 'pam_faillock',
  params: z.strictObject({
    service: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'must be a file name in /etc/pam.d'),
    name: z.string().regex(/^[a-z_]+$/, 'must be a pam_faillock option name like deny'),
    ...comparatorShape,
  }),
  check: checkComparator,
  facts: () => ['pam_d', fileKey(FAILLOCK_CONF)],
  evaluate(p, { read }) {
    const conf = read.file(FAILLOCK_CONF);
    const fromConf = conf.exists ? confValue(conf.text, p.name) : undefined;
    const confSource = fromConf ? `${FAILLOCK_CONF}:${fromConf.line}` : FAILLOCK_CONF;
    const files = read.derived('pam_d', 'map', bundleMap);
    const lines = pamStack(files, p.service, 'auth').entries.filter((e) => e.module === 'pam_faillock.so');
    if (lines.length === 0) {
      const j = judge(p.name, fromConf?.value ?? null, confSource, p);
      j.evidence.note = `no pam_faillock.so line in the ${p.service} auth stack; faillock.conf judged`;
      return outcome(j.ok, [j.evidence]);
    }
    // pam_faillock reads faillock.conf first, then its own arguments: an argument on the line wins.
    const evidence: Evidence[] = [];
    let ok = true;
    for (const e of lines) {
      const arg = pamArg(e.args, p.name);
      const onLine = typeof arg === 'string';
      const j = judge(
        p.name,
        onLine ? arg : (fromConf?.value ?? null),
        onLine ? `${e.file}:${e.line}` : confSource,
        p,
      );
      j.evidence.note = onLine
        ? `set on the pam_faillock.so line ${e.file}:${e.line}, which overrides faillock.conf`
        : `the pam_faillock.so line ${e.file}:${e.line} takes it from faillock.conf`;
      ok &&= j.ok;
      evidence.push(j.evidence);
    }
    return outcome(ok, evidence);
  },
});

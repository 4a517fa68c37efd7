import { z } from 'zod';
import { sshdTKey } from '../../facts/keys.ts';
import { effectiveFromConfig, parseSshdConfig, parseSshdT, type ConnSpec } from '../../parsers/sshd.ts';
import { defineMethod } from '../method.ts';
import { outcome, notAssessable } from '../outcome.ts';
import { comparatorShape } from '../params.ts';
import { bundleMap, checkComparator, judge } from './common.ts';

const Word = z.string().regex(/^[A-Za-z0-9_.:*?!-]+$/, 'must be a single word without commas');

const params = z.strictObject({
  key: z.string().regex(/^[a-z0-9]+$/, 'must be a lowercase sshd keyword, as sshd -T prints it'),
  ...comparatorShape,
  match: z
    .strictObject({
      user: Word,
      host: Word.optional(),
      addr: Word.optional(),
      laddr: Word.optional(),
      lport: Word.optional(),
    })
    .optional(),
  source: z.enum(['effective', 'config']).optional(),
  default: z.union([z.string(), z.number()]).optional(),
});

type Params = z.output<typeof params>;

function connSpec(p: Params): { spec: string; conn: ConnSpec } | undefined {
  if (!p.match) return undefined;
  const conn: ConnSpec = {
    user: p.match.user,
    host: p.match.host ?? 'localhost',
    addr: p.match.addr ?? '127.0.0.1',
  };
  if (p.match.laddr) conn.laddr = p.match.laddr;
  if (p.match.lport) conn.lport = p.match.lport;
  const spec = Object.entries(conn)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',');
  return { spec, conn };
}

export const sshdConfig = defineMethod({
  name: 'sshd_config',
  params,
  check: checkComparator,
  facts(p) {
    const c = connSpec(p);
    return p.source === 'config' ? ['sshd_config'] : [sshdTKey(c?.spec), 'sshd_config'];
  },
  evaluate(p, { read }) {
    const c = connSpec(p);
    const opts = { ignoreCaseDefault: true, fallback: p.default };
    let note: string | undefined;
    if (p.source !== 'config') {
      const key = sshdTKey(c?.spec);
      const text = read.tryText(key);
      if (text !== undefined && text.trim() !== '') {
        const values = parseSshdT(text).get(p.key);
        const cmd = c ? `sshd -T -C ${c.spec}` : 'sshd -T';
        const j = judge(p.key, values ? values.join(',') : null, cmd, p, opts);
        return outcome(j.ok, [j.evidence]);
      }
      const rc = read.raw(key).rc;
      note = `sshd -T unavailable (exit ${rc ?? 'signal'}); judged from the configuration files`;
    }
    const parsed = read.derived('sshd_config', 'sshd', (f) => parseSshdConfig(bundleMap(f)));
    const eff = effectiveFromConfig(parsed.directives, p.key, c?.conn);
    if (eff.undecided) {
      return notAssessable(`a Match block that cannot be evaluated offline may set ${p.key}`);
    }
    const j = judge(p.key, eff.value?.value ?? null, eff.value?.source ?? '/etc/ssh/sshd_config', p, opts);
    if (note) j.evidence.note = j.evidence.note ? `${note}; ${j.evidence.note}` : note;
    return outcome(j.ok, [j.evidence]);
  },
});

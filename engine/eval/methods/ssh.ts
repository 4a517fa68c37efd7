import { z } from 'zod';
import { sshdTKey } from '../../facts/keys.ts';
import {
  effectiveFromConfig,
  parseSshdConfig,
  parseSshdT,
  sshdRejection,
  writtenValues,
  type ConnSpec,
} from '../../parsers/sshd.ts';
import type { Evidence } from '../../types.ts';
import { defineMethod } from '../method.ts';
import { outcome, notAssessable, type Outcome } from '../outcome.ts';
import type { FactReader } from '../reader.ts';
import { comparatorShape } from '../params.ts';
import { describeComparator } from '../compare.ts';
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
  explicit: z.boolean().optional(),
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
    const effective = effectiveOutcome(p, read);
    if (!p.explicit || effective.status === 'fail') return effective;
    const written = explicitOutcome(p, read);
    const evidence = [...effective.evidence, ...written.evidence];
    return written.status === 'pass' ? { ...effective, evidence } : { ...written, evidence };
  },
});

function configFiles(read: FactReader): Map<string, string> {
  return read.derived('sshd_config', 'map', bundleMap);
}

/** The value sshd uses: `sshd -T`, or the files when it cannot run; a rejected configuration fails. */
function effectiveOutcome(p: Params, read: FactReader): Outcome {
  const c = connSpec(p);
  const opts = { ignoreCaseDefault: true, fallback: p.default };
  let note: string | undefined;
  if (p.source !== 'config') {
    const key = sshdTKey(c?.spec);
    const cmd = c ? `sshd -T -C ${c.spec}` : 'sshd -T';
    const raw = read.raw(key);
    if (raw.rc === 0 && raw.text.trim() !== '') {
      const values = parseSshdT(raw.text).get(p.key);
      const j = judge(p.key, values ? values.join(',') : null, cmd, p, opts);
      return outcome(j.ok, [j.evidence]);
    }
    const rejected = raw.rc === 0 ? undefined : sshdRejection(raw.text);
    if (rejected !== undefined) {
      return outcome(false, [
        {
          source: cmd,
          observed: rejected,
          expected: `a configuration sshd accepts, with ${p.key} ${describe(p)}`,
          note: 'sshd rejects its configuration and would not start with it',
        },
      ]);
    }
    note = `sshd -T unavailable (exit ${raw.rc ?? 'signal'}); judged from the configuration files`;
  }
  const parsed = read.derived('sshd_config', 'sshd', (f) => parseSshdConfig(bundleMap(f)));
  const eff = effectiveFromConfig(parsed.directives, p.key, c?.conn);
  if (eff.undecided) {
    return notAssessable(`a Match block that cannot be evaluated offline may set ${p.key}`);
  }
  const j = judge(p.key, eff.value?.value ?? null, eff.value?.source ?? '/etc/ssh/sshd_config', p, opts);
  if (note) j.evidence.note = j.evidence.note ? `${note}; ${j.evidence.note}` : note;
  return outcome(j.ok, [j.evidence]);
}

/**
 * Explicit mode (STIG, ComplianceAsCode): the setting must be written in the configuration files and every
 * line writing it must satisfy the comparator; sshd's built-in default does not count.
 */
function explicitOutcome(p: Params, read: FactReader): Outcome {
  const written = writtenValues(configFiles(read), p.key);
  if (written.length === 0) {
    return outcome(false, [
      {
        source: [...configFiles(read).keys()].join(', ') || '/etc/ssh/sshd_config',
        observed: null,
        expected: `${p.key} ${describe(p)} written in the configuration`,
        note: 'explicit mode: not written in sshd_config or its drop-ins; the built-in default does not count',
      },
    ]);
  }
  const evidence: Evidence[] = [];
  let ok = true;
  for (const w of written) {
    const j = judge(p.key, w.value, w.source, p, { ignoreCaseDefault: true });
    j.evidence.note = 'explicit mode: every line writing the setting must satisfy it';
    ok &&= j.ok;
    evidence.push(j.evidence);
  }
  return outcome(ok, evidence);
}

function describe(p: Params): string {
  return describeComparator(p.op ?? '==', p.value);
}

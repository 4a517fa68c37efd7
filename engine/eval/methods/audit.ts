import { z } from 'zod';
import { findCoverage, parseAuditRule, parseAuditRules, type LocatedRule } from '../../parsers/audit.ts';
import type { Evidence } from '../../types.ts';
import { defineMethod } from '../method.ts';
import { outcome } from '../outcome.ts';
import type { FactReader } from '../reader.ts';

function loadedRules(read: FactReader, control: boolean): LocatedRule[] {
  if (control) {
    const m = /^enabled\s+(\d+)/m.exec(read.text('audit_status'));
    return m
      ? [{ rule: { kind: 'control', flag: '-e', value: m[1] ?? '' }, text: m[0], source: 'auditctl -s' }]
      : [];
  }
  return read.parsed('audit_rules_loaded', 'audit', (t) =>
    parseAuditRules('auditctl -l', t).map((r) => ({ ...r, source: 'auditctl -l' })),
  );
}

function persistentRules(read: FactReader): LocatedRule[] {
  return read.derived('audit_rules_d', 'audit', (files) =>
    [...files].sort((a, b) => (a.path < b.path ? -1 : 1)).flatMap((f) => parseAuditRules(f.path, f.text)),
  );
}

export const auditRule = defineMethod({
  name: 'audit_rule',
  params: z.strictObject({
    rule: z.string().min(2),
    loaded: z.boolean().optional(),
    persistent: z.boolean().optional(),
    match_key: z.boolean().optional(),
  }),
  check(p) {
    if (!parseAuditRule(p.rule)) return `rule: not an auditctl rule: ${p.rule}`;
    if (p.loaded === false && p.persistent === false) return 'loaded and persistent cannot both be false';
    return undefined;
  },
  facts(p) {
    const control = parseAuditRule(p.rule)?.kind === 'control';
    return [
      ...(p.loaded !== false ? [control ? 'audit_status' : 'audit_rules_loaded'] : []),
      ...(p.persistent !== false ? ['audit_rules_d'] : []),
    ];
  },
  evaluate(p, { read }) {
    const want = parseAuditRule(p.rule);
    if (!want) throw new Error(`unparseable audit rule ${p.rule}`);
    const evidence: Evidence[] = [];
    let ok = true;
    const judgeSet = (label: string, rules: LocatedRule[]): void => {
      const cover = findCoverage(want, rules, p.match_key ?? false);
      ok &&= cover !== undefined;
      if (cover)
        for (const c of cover)
          evidence.push({ source: c.source, observed: c.text, expected: `${label}: ${p.rule}` });
      else
        evidence.push({
          source:
            label === 'loaded'
              ? want.kind === 'control'
                ? 'auditctl -s'
                : 'auditctl -l'
              : '/etc/audit/rules.d',
          observed: null,
          expected: `${label}: ${p.rule}`,
        });
    };
    if (p.loaded !== false) judgeSet('loaded', loadedRules(read, want.kind === 'control'));
    if (p.persistent !== false) judgeSet('persistent', persistentRules(read));
    return outcome(ok, evidence);
  },
});

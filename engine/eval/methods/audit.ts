import { z } from 'zod';
import { fileKey } from '../../facts/keys.ts';
import { findCoverage, parseAuditRule, parseAuditRules, type LocatedRule } from '../../parsers/audit.ts';
import type { Evidence } from '../../types.ts';
import { defineMethod } from '../method.ts';
import { notAssessable, outcome } from '../outcome.ts';
import type { FactReader } from '../reader.ts';

/** The file auditd loads at start; augenrules writes it from rules.d. */
const AUDIT_RULES = '/etc/audit/audit.rules';
/** The audit service units, administrator's copy first: their ExecStartPost says how rules are loaded. */
const AUDITD_UNITS = ['/etc/systemd/system/auditd.service', '/usr/lib/systemd/system/auditd.service'];

/**
 * Where the audit service loads its rules from at boot. `augenrules --load` (Debian, RHEL 8/9 default)
 * compiles rules.d; a unit changed to run plain `auditctl` (`-R /etc/audit/audit.rules`) loads audit.rules,
 * and rules.d is then ignored — the test ComplianceAsCode's OVAL makes.
 */
function bootRules(read: FactReader): RuleSet {
  for (const path of AUDITD_UNITS) {
    const unit = read.file(path);
    if (!unit.exists) continue;
    if (/^\s*ExecStartPost\s*=\s*-?\S*\bauditctl\b/m.test(unit.text)) {
      const main = read.file(AUDIT_RULES);
      return {
        rules: main.exists ? parseAuditRules(AUDIT_RULES, main.text) : [],
        where: AUDIT_RULES,
        note: `${path} loads the rules with auditctl from ${AUDIT_RULES}, not augenrules`,
      };
    }
    break;
  }
  return { rules: persistentRules(read), where: '/etc/audit/rules.d/*.rules' };
}

interface RuleSet {
  rules: LocatedRule[];
  /** Where they were read, for evidence of a miss. */
  where: string;
  note?: string;
}

function persistentRules(read: FactReader): LocatedRule[] {
  return read.derived('audit_rules_d', 'audit', (files) =>
    [...files].sort((a, b) => (a.path < b.path ? -1 : 1)).flatMap((f) => parseAuditRules(f.path, f.text)),
  );
}

/**
 * The running rules (`auditctl -l`, `auditctl -s` for `-e`), or — when they cannot be read (auditctl missing,
 * not root, no audit capability in a container) — the files that are loaded at boot: `audit.rules` and the
 * `rules.d/*.rules` augenrules compiles into it. Undefined when neither can be read.
 */
function loadedRules(read: FactReader, control: boolean, root: boolean): RuleSet | undefined {
  const key = control ? 'audit_status' : 'audit_rules_loaded';
  const raw = read.raw(key);
  if (raw.rc === 0) {
    if (control) {
      const m = /^enabled\s+(\d+)/m.exec(raw.text);
      const rules: LocatedRule[] = m
        ? [{ rule: { kind: 'control', flag: '-e', value: m[1] ?? '' }, text: m[0], source: 'auditctl -s' }]
        : [];
      return { rules, where: 'auditctl -s' };
    }
    const rules = read.parsed(key, 'audit', (t) =>
      parseAuditRules('auditctl -l', t).map((r) => ({ ...r, source: 'auditctl -l' })),
    );
    return { rules, where: 'auditctl -l' };
  }
  const main = read.file(AUDIT_RULES);
  const onDisk = [...(main.exists ? parseAuditRules(AUDIT_RULES, main.text) : []), ...persistentRules(read)];
  // /etc/audit is 0750 root: without root an empty result means "not readable", not "no rules".
  if (onDisk.length === 0 && !root) return undefined;
  return {
    rules: onDisk,
    where: `${AUDIT_RULES}, /etc/audit/rules.d/*.rules`,
    note: `${control ? 'auditctl -s' : 'auditctl -l'} unavailable (exit ${raw.rc ?? 'signal'}); judged from the rule files loaded at boot`,
  };
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
    // The files are needed for `loaded` too: they stand in when the running rules cannot be read.
    return [
      ...(p.loaded !== false ? [control ? 'audit_status' : 'audit_rules_loaded'] : []),
      fileKey(AUDIT_RULES),
      ...AUDITD_UNITS.map(fileKey),
      'audit_rules_d',
    ];
  },
  evaluate(p, { read, caps }) {
    const want = parseAuditRule(p.rule);
    if (!want) throw new Error(`unparseable audit rule ${p.rule}`);
    const evidence: Evidence[] = [];
    let ok = true;
    const judgeSet = (label: string, set: RuleSet): void => {
      const cover = findCoverage(want, set.rules, p.match_key ?? false);
      ok &&= cover !== undefined;
      const expected = `${label}: ${p.rule}`;
      const items: Evidence[] = cover
        ? cover.map((c) => ({ source: c.source, observed: c.text, expected }))
        : [{ source: set.where, observed: null, expected }];
      if (set.note) for (const e of items) e.note = set.note;
      evidence.push(...items);
    };
    if (p.loaded !== false) {
      const loaded = loadedRules(read, want.kind === 'control', caps.has('root'));
      if (!loaded) {
        return notAssessable('the running audit rules and the rule files are unreadable without root', [
          {
            source: 'auditctl -l',
            observed: null,
            expected: `loaded: ${p.rule}`,
            note: '/etc/audit not readable',
          },
        ]);
      }
      judgeSet('loaded', loaded);
    }
    if (p.persistent !== false) {
      judgeSet('persistent', bootRules(read));
    }
    return outcome(ok, evidence);
  },
});

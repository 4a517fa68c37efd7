/**
 * Per-rule verdicts of OpenWatch against OpenSCAP on the same host. OpenSCAP's XCCDF results name rules
 * `xccdf_org.ssgproject.content_rule_<cac id>`; our rules cite the same id in `references.cac`.
 *   npx tsx bench/scan/compare-openscap.ts --oscap oscap-results.xml --ours report.json [--json]
 * `--ours` is `openwatch scan --format json` output (or the report bench/scan/run.ts saves).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ScanReport, Status } from '../../engine/types.ts';
import { parseXccdfResults } from './openscap.ts';

const SSG_RULE_PREFIX = 'xccdf_org.ssgproject.content_rule_';

export interface Pairing {
  rule_id: string;
  cac: string;
  ours: Status;
  theirs: string;
  /** Our first piece of evidence, to start an investigation of a disagreement from. */
  evidence?: string;
}

export interface Comparison {
  agree: Pairing[];
  disagree: Pairing[];
  /** Both sides produced something, but not both a pass/fail verdict (n/a, notchecked, error …). */
  incomparable: Pairing[];
  /** Our rules citing a CAC id that the OpenSCAP run did not evaluate. */
  not_in_openscap: string[];
  /** OpenSCAP pass/fail verdicts on rules no OpenWatch rule cites. */
  openscap_only: number;
}

const VERDICT: Record<string, 'pass' | 'fail' | undefined> = { pass: 'pass', fail: 'fail', fixed: 'pass' };

export function compare(report: ScanReport, oscap: Map<string, string>): Comparison {
  const c: Comparison = { agree: [], disagree: [], incomparable: [], not_in_openscap: [], openscap_only: 0 };
  const cited = new Set<string>();
  for (const r of report.results) {
    for (const cac of r.references.cac ?? []) {
      cited.add(cac);
      const theirs = oscap.get(SSG_RULE_PREFIX + cac);
      if (theirs === undefined) {
        c.not_in_openscap.push(`${r.rule_id} (${cac})`);
        continue;
      }
      const e = r.evidence[0];
      const p: Pairing = {
        rule_id: r.rule_id,
        cac,
        ours: r.status,
        theirs,
        ...(e ? { evidence: `${e.source}: ${e.observed ?? '<absent>'} (expected ${e.expected})` } : {}),
      };
      const ours = r.status === 'pass' || r.status === 'fail' ? r.status : undefined;
      const their = VERDICT[theirs];
      if (!ours || !their) c.incomparable.push(p);
      else (ours === their ? c.agree : c.disagree).push(p);
    }
  }
  for (const [id, result] of oscap) {
    if (VERDICT[result] && !cited.has(id.slice(SSG_RULE_PREFIX.length))) c.openscap_only += 1;
  }
  return c;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      oscap: { type: 'string' },
      ours: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.oscap || !values.ours) {
    console.error('usage: compare-openscap.ts --oscap RESULTS.xml --ours REPORT.json [--json]');
    process.exit(2);
  }
  const report = JSON.parse(readFileSync(values.ours, 'utf8')) as ScanReport;
  const c = compare(report, parseXccdfResults(readFileSync(values.oscap, 'utf8')));
  if (values.json) {
    console.log(JSON.stringify(c, null, 2));
    return;
  }
  const pairs = (xs: Pairing[]) => {
    const n = new Map<string, number>();
    for (const x of xs) n.set(`${x.ours}/${x.theirs}`, (n.get(`${x.ours}/${x.theirs}`) ?? 0) + 1);
    return [...n].map(([k, v]) => `${k}=${v}`).join(', ');
  };
  console.log(`compared on ${c.agree.length + c.disagree.length} rules with a verdict on both sides`);
  console.log(`  agree:    ${c.agree.length} (${pairs(c.agree)})`);
  console.log(`  disagree: ${c.disagree.length}`);
  for (const d of c.disagree)
    console.log(
      `    ${d.rule_id} [${d.cac}]: openwatch ${d.ours}, openscap ${d.theirs}${d.evidence ? ` — ${d.evidence}` : ''}`,
    );
  console.log(`  no common verdict: ${c.incomparable.length} (ours/theirs: ${pairs(c.incomparable)})`);
  console.log(`  cited CAC ids OpenSCAP did not evaluate: ${c.not_in_openscap.length}`);
  console.log(`  OpenSCAP pass/fail verdicts on rules OpenWatch does not cite: ${c.openscap_only}`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) main();

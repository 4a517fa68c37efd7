/**
 * Our verdicts against ComplianceAsCode's own per-rule test scenarios (issue 14). For every rule of ours
 * citing a CaC id, the CaC rule's `tests/*.sh` and its template's tests, rendered for Debian 12 by the
 * content's own `ssg` package, each run in a fresh Debian 12 root, then that one rule scanned there.
 *   npm run bench -- scenarios --content /path/to/cac-checkout [--rule ID[,ID…]] [--jobs 2]
 * The content is read from the path given; nothing of it is part of OpenWatch. Method and results:
 * bench/RESULTS.md, section "scenarios (issue 14)".
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { loadRules, scanHost, type Rule } from '../../engine/index.ts';
import { baseRoot, runScenario } from './chroot.ts';
import { fixedSysctlValue, mapVariables } from './variables.ts';

const exec = promisify(execFile);
const here = fileURLToPath(new URL('.', import.meta.url));

const { values: args } = parseArgs({
  options: {
    content: { type: 'string' },
    rule: { type: 'string' },
    scenario: { type: 'string' },
    jobs: { type: 'string', default: '2' },
    timeout: { type: 'string', default: '180' },
    out: { type: 'string', default: join(here, 'results.json') },
    merge: { type: 'string' },
  },
});
if (!args.content) {
  console.error(
    'usage: npm run bench -- scenarios --content CAC_CHECKOUT [--rule ID,…] [--scenario REGEX] [--jobs 2] [--out FILE] [--merge FILE]',
  );
  process.exit(2);
}

type Verdict = 'pass' | 'fail' | 'notapplicable';
interface Row {
  rule: string;
  cac: string;
  scenario: string;
  template: boolean;
  expected: Verdict;
  ours: Verdict | 'not_assessable' | 'error' | null;
  agree: boolean;
  /** Why the scenario was not compared, or our first evidence when we disagree. */
  reason?: string;
}
interface Manifest {
  rules: Record<
    string,
    {
      error?: string;
      scenarios: {
        name: string;
        template: boolean;
        applies: boolean;
        packages: string[];
        variables: [string, string][];
      }[];
    }
  >;
}

/** ComplianceAsCode names some packages as RHEL does; Debian's names, or null where Debian has none. */
const DEBIAN_PACKAGE: Record<string, string | null> = {
  audit: 'auditd',
  grub2: 'grub2-common',
  grubby: null,
  crontabs: 'cron',
  'python3-libselinux': 'python3-selinux',
  'nfs-utils': 'nfs-kernel-server',
  avahi: 'avahi-daemon',
  dhcp: 'isc-dhcp-server',
  'dhcp-server': 'isc-dhcp-server',
  bind: 'bind9',
  'openldap-servers': 'slapd',
  gdm: 'gdm3',
  authselect: null,
  'nss-altfiles': null,
  'systemd-journal-remote': 'systemd-journal-remote',
};
const debianPackage = (p: string): string | null => (p in DEBIAN_PACKAGE ? (DEBIAN_PACKAGE[p] ?? null) : p);

const cacOf = (r: Rule): string | undefined => {
  const c = r.references.cac;
  return Array.isArray(c) ? c[0] : c;
};

const started = Date.now();
const filter = args.rule ? new Set(args.rule.split(',')) : undefined;
const { rules } = await loadRules([fileURLToPath(new URL('../../rules', import.meta.url))]);
const byCac = new Map<string, Rule>();
for (const r of rules) {
  const cac = cacOf(r);
  if (cac && (!filter || filter.has(r.id) || filter.has(cac))) byCac.set(cac, r);
}

const work = mkdtempSync(join(tmpdir(), 'ow-scenarios-'));
process.once('exit', () => rmSync(work, { recursive: true, force: true }));
const rendered = join(work, 'rendered');
const pins = Object.fromEntries(
  [...byCac].flatMap(([cac, r]) => {
    const v = fixedSysctlValue(r);
    return v === undefined ? [] : [[cac, { sysctlval: v }]];
  }),
);
const { stdout } = await exec(
  'python3',
  [join(here, 'render.py'), args.content, rendered, JSON.stringify(pins), ...byCac.keys()],
  { maxBuffer: 64 * 1024 * 1024 },
);
const manifest = JSON.parse(stdout) as Manifest;

const rows: Row[] = [];
/** `--merge`: an earlier run's rows for every rule this run does not re-run (re-running a few rules). */
const merged: Row[] = args.merge
  ? (JSON.parse(readFileSync(args.merge, 'utf8')) as { results: Row[] }).results.filter(
      (r) => ![...byCac.values()].some((x) => x.id === r.rule),
    )
  : [];
const todo: {
  rule: Rule;
  cac: string;
  s: Manifest['rules'][string]['scenarios'][number];
  expected: Verdict;
}[] = [];
let notDebian = 0;
const noScenarios: string[] = [];
const scenarioPattern = args.scenario ? new RegExp(args.scenario) : undefined;
for (const [cac, rule] of byCac) {
  const m = manifest.rules[cac];
  if (!m || m.error) {
    noScenarios.push(`${cac}: ${m?.error ?? 'not rendered'}`);
    continue;
  }
  for (const s of m.scenarios) {
    const kind = /\.(pass|fail|notapplicable)\.sh$/.exec(s.name)?.[1] as Verdict | undefined;
    if (!kind || (scenarioPattern && !scenarioPattern.test(s.name))) continue;
    if (!s.applies) notDebian += 1;
    else todo.push({ rule, cac, s, expected: kind });
  }
}

const packages = todo.flatMap((t) => t.s.packages.map(debianPackage)).filter((p): p is string => p !== null);
const { base, missing, installed } = await baseRoot(packages);
console.error(
  `base root ${base}; ${todo.length} scenarios; packages apt cannot provide: ${missing.join(', ')}`,
);

const timeoutMs = Number(args.timeout) * 1000;
async function one(t: (typeof todo)[number], slot: number): Promise<Row> {
  const row = {
    rule: t.rule.id,
    cac: t.cac,
    scenario: t.s.name,
    template: t.s.template,
    expected: t.expected,
  };
  const skip = (reason: string): Row => ({ ...row, ours: null, agree: false, reason });
  const mapped = mapVariables(t.rule, t.s.variables);
  if ('reason' in mapped) return skip(`not comparable: variable: ${mapped.reason}`);
  const pkgs = t.s.packages.map(debianPackage);
  const absent = t.s.packages.filter((p, i) => pkgs[i] === null || missing.includes(pkgs[i] ?? ''));
  if (absent.length > 0) return skip(`not comparable: package not in Debian 12: ${absent.join(', ')}`);
  const run = await runScenario({
    base,
    work: join(work, `slot${slot}`),
    files: join(rendered, t.cac),
    shared: join(rendered, 'shared'),
    script: t.s.name,
    packages: pkgs.filter((p): p is string => p !== null && !installed.has(p)),
    timeoutMs,
  });
  try {
    if (run.code !== 0) {
      // The scenario's own trace stays out of the results (nothing of the content is recorded): stderr only.
      process.stderr.write(`${t.rule.id} ${t.s.name}: ${run.log.trim().split('\n').slice(-3).join(' | ')}\n`);
      return skip(
        `not comparable: scenario setup failed (${run.code === null ? 'timed out' : `exit ${run.code}`})`,
      );
    }
    const report = await scanHost({
      transport: run.transport,
      rules: [t.rule],
      vars: mapped.vars,
      traversalRoots: ['/'],
      timeoutMs,
    });
    const r = report.results[0];
    if (!r) return skip('not comparable: harness: no result');
    const ours = r.status === 'not_applicable' ? 'notapplicable' : r.status;
    const e = r.evidence[0];
    const evidence = e
      ? `${e.source}: ${e.observed ?? '<absent>'} (expected ${e.expected})`
      : (r.reason ?? '');
    // The scenario root has no module tree for the running kernel and no running systemd; a rule that
    // needs those is not applicable here for a reason of the harness, not of the scenario.
    const wanted = r.evidence[0]?.source === 'capability probe' ? r.evidence[0].expected : '';
    if (
      ours === 'notapplicable' &&
      t.expected !== 'notapplicable' &&
      /\b(kernel_modules|systemd)\b(?!-)/.test(wanted)
    )
      return skip(`not comparable: capability absent in the scenario root: ${wanted}`);
    if (ours === 'not_assessable' || ours === 'error')
      return { ...row, ours, agree: false, reason: `not comparable: ours ${ours}: ${r.reason ?? evidence}` };
    const agree = ours === t.expected;
    return { ...row, ours, agree, ...(agree ? {} : { reason: evidence }) };
  } catch (e) {
    return skip(`not comparable: harness: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    run.dispose();
  }
}

/** Figures over the rows so far; written after every 25 scenarios, so an interrupted run leaves its part. */
function save(done: boolean): void {
  const all = [...merged, ...rows].sort(
    (a, b) => a.rule.localeCompare(b.rule) || a.scenario.localeCompare(b.scenario),
  );
  const judged = all.filter((r) => r.ours !== null && r.ours !== 'not_assessable' && r.ours !== 'error');
  const agreed = judged.filter((r) => r.agree);
  const falsePass = judged.filter((r) => r.expected === 'fail' && r.ours === 'pass');
  const falseFail = judged.filter((r) => r.expected === 'pass' && r.ours === 'fail');
  const reasons = new Map<string, number>();
  for (const r of all.filter((x) => !judged.includes(x))) {
    const key = (r.reason ?? '').split(':').slice(0, 2).join(':');
    reasons.set(key, (reasons.get(key) ?? 0) + 1);
  }
  const pct = (a: number, b: number) => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)} %`);
  const summary = {
    rules: byCac.size,
    rules_without_scenarios: noScenarios,
    scenarios_not_for_debian12: notDebian,
    applicable: merged.length + todo.length,
    run: all.length,
    merged_from: args.merge ?? null,
    judged: judged.length,
    agree: agreed.length,
    agreement: pct(agreed.length, judged.length),
    agreement_of_run: pct(agreed.length, all.length),
    false_passes: falsePass.length,
    false_fails: falseFail.length,
    other_disagreements: judged.length - agreed.length - falsePass.length - falseFail.length,
    not_comparable: Object.fromEntries([...reasons].sort((a, b) => b[1] - a[1])),
    duration_s: Math.round((Date.now() - started) / 1000),
    jobs,
  };
  writeFileSync(args.out, JSON.stringify({ complete: done, summary, results: all }, null, 2) + '\n');
  if (done) console.log(JSON.stringify(summary, null, 2));
}

const jobs = Math.max(1, Number(args.jobs));
let next = 0;
await Promise.all(
  Array.from({ length: jobs }, async (_, slot) => {
    while (next < todo.length) {
      const t = todo[next++];
      if (!t) break;
      const row = await one(t, slot).catch((e: unknown): Row => ({
        rule: t.rule.id,
        cac: t.cac,
        scenario: t.s.name,
        template: t.s.template,
        expected: t.expected,
        ours: null,
        agree: false,
        reason: `not comparable: harness: ${e instanceof Error ? e.message : String(e)}`,
      }));
      rows.push(row);
      if (rows.length % 25 === 0) save(false);
      const mark = row.ours === null ? '-' : row.agree ? '=' : '!';
      console.error(
        `${mark} [${rows.length}/${todo.length}] ${row.rule} ${row.scenario}: ${row.expected}/${row.ours ?? row.reason}`,
      );
    }
  }),
);

save(true);

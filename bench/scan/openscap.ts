import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SSG_CONTENT = '/usr/share/xml/scap/ssg/content';

/** The newest Debian datastream shipped by `ssg-debian`, and the Debian major it targets. */
export function pickDatastream(): { path: string; debian: number } | undefined {
  if (!existsSync(SSG_CONTENT)) return undefined;
  const found = readdirSync(SSG_CONTENT)
    .map((f) => /^ssg-debian(\d+)-ds\.xml$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ path: join(SSG_CONTENT, m[0]), debian: Number(m[1]) }))
    .sort((a, b) => b.debian - a.debian);
  return found[0];
}

/** Profile name meaning "every Rule in the datastream", via a generated tailoring file. */
export const ALL_RULES = 'all';

/**
 * SSG datastreams mark rules unselected unless a profile picks them; the reference figure (355 rules)
 * is all of them, so this tailoring extends the standard profile and selects every Rule.
 */
function writeAllRulesTailoring(
  datastream: string,
  outDir: string,
): { file: string; profile: string; rules: number } {
  const text = readFileSync(datastream, 'utf8');
  const idsOf = (element: string) =>
    [
      ...new Set(
        [...text.matchAll(new RegExp(`<xccdf-1\\.2:${element}\\b[^>]*\\bid="([^"]+)"`, 'g'))].map(
          (m) => m[1] ?? '',
        ),
      ),
    ].sort();
  const rules = idsOf('Rule');
  // Groups too: a rule inside an unselected Group is not evaluated even when it is selected itself.
  const ids = [...idsOf('Group'), ...rules];
  const profile = 'xccdf_org.openwatch.bench_profile_all';
  const file = join(outDir, 'tailoring-all.xml');
  writeFileSync(
    file,
    [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<xccdf-1.2:Tailoring xmlns:xccdf-1.2="http://checklists.nist.gov/xccdf/1.2" id="xccdf_org.openwatch.bench_tailoring_all">',
      '  <xccdf-1.2:version time="2026-01-01T00:00:00">1</xccdf-1.2:version>',
      `  <xccdf-1.2:Profile id="${profile}" extends="xccdf_org.ssgproject.content_profile_standard">`,
      '    <xccdf-1.2:title>Every rule in the datastream</xccdf-1.2:title>',
      ...ids.map((id) => `    <xccdf-1.2:select idref="${id}" selected="true"/>`),
      '  </xccdf-1.2:Profile>',
      '</xccdf-1.2:Tailoring>',
      '',
    ].join('\n'),
  );
  return { file, profile, rules: rules.length };
}

export interface OscapRun {
  datastream: string;
  profile: string;
  wall_ms: number;
  exit_code: number | null;
  results_file: string;
  counts: Record<string, number>;
  /** Set when the host's Debian major differs from the content's and the version was masked. */
  masked_debian_version?: string;
}

/**
 * Runs `oscap xccdf eval` on this machine. SSG content only applies to the Debian release it was built
 * for (its CPE check reads /etc/debian_version); when Debian's packaged content is older than the host,
 * the version file is masked inside a private mount namespace so the rules are evaluated at all.
 */
export async function runOpenscap(
  ds: { path: string; debian: number },
  profile: string,
  outDir: string,
): Promise<OscapRun> {
  const results = join(outDir, 'oscap-results.xml');
  const hostMajor = Number(readFileSync('/etc/debian_version', 'utf8').split('.')[0]);
  const tailoring = profile === ALL_RULES ? writeAllRulesTailoring(ds.path, outDir) : undefined;
  const eval_ = [
    'oscap',
    'xccdf',
    'eval',
    ...(tailoring
      ? ['--tailoring-file', tailoring.file, '--profile', tailoring.profile]
      : ['--profile', profile]),
    '--results',
    results,
    ds.path,
  ];
  let argv = eval_;
  let masked: string | undefined;
  if (hostMajor !== ds.debian) {
    masked = `${ds.debian}.99`;
    const fake = join(outDir, 'debian_version');
    writeFileSync(fake, `${masked}\n`);
    argv = [
      'unshare',
      '--mount',
      '--propagation',
      'private',
      '--',
      'sh',
      '-c',
      `mount --bind "$0" /etc/debian_version && exec "$@"`,
      fake,
      ...eval_,
    ];
  }
  const t0 = performance.now();
  const code = await new Promise<number | null>((resolve, reject) => {
    const [cmd = 'oscap', ...args] = argv;
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', resolve);
  });
  const wall = performance.now() - t0;
  return {
    datastream: ds.path,
    profile,
    wall_ms: Math.round(wall),
    exit_code: code,
    results_file: results,
    counts: countResults(existsSync(results) ? readFileSync(results, 'utf8') : ''),
    ...(masked ? { masked_debian_version: masked } : {}),
  };
}

/** `rule idref → result` from an XCCDF results document (namespace prefixes tolerated). */
export function parseXccdfResults(xml: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /<(?:[\w-]+:)?rule-result\b[^>]*?\bidref="([^"]+)"[^>]*>([\s\S]*?)<\/(?:[\w-]+:)?rule-result>/g;
  for (const m of xml.matchAll(re)) {
    const result = /<(?:[\w-]+:)?result>\s*([a-z]+)\s*</.exec(m[2] ?? '')?.[1];
    if (m[1] && result) out.set(m[1], result);
  }
  return out;
}

export function countResults(xml: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of parseXccdfResults(xml).values()) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}

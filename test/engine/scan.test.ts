import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRules, scanHost, VariableError, type Rule } from '../../engine/index.ts';
import { LocalShTransport } from './helpers/local-sh.ts';

let work: string;
let rules: Rule[];

function ruleYaml(id: string, check: string, extra = ''): string {
  return `id: ${id}
title: ${id}
description: test
rationale: test
severity: low
category: t
references: {nist_800_53: [CM-6]}
${extra}implementations:
  - check:
${check
  .split('\n')
  .map((l) => `      ${l}`)
  .join('\n')}
remediation: none
`;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ow-scan-'));
  const walk = join(work, 'walk');
  mkdirSync(join(walk, 'open'), { recursive: true });
  chmodSync(join(walk, 'open'), 0o777);
  mkdirSync(join(walk, 'sticky'));
  chmodSync(join(walk, 'sticky'), 0o1777);
  writeFileSync(join(work, 'app.conf'), 'max_sessions = 10\n');
  chmodSync(join(work, 'app.conf'), 0o644);
  const hostile = join(work, `it's $(cd;touch owpwned) "q" *`);
  writeFileSync(hostile, 'x\n');
  const dir = join(work, 'rules', 't');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 't_perm.yml'),
    ruleYaml('t_perm', `method: file_permissions\npath: ${work}/app.conf\nmode: "0600"`),
  );
  writeFileSync(
    join(dir, 't_var.yml'),
    ruleYaml(
      't_var',
      `method: config_value\npath: ${work}/app.conf\nkey: max_sessions\nseparator: "="\nop: "<="\nvalue: {var: limit}`,
      'variables:\n  limit: {type: integer, default: 4, description: max}\n',
    ),
  );
  writeFileSync(join(dir, 't_walk.yml'), ruleYaml('t_walk', 'method: fs_walk\nkind: ww_dir_nosticky'));
  writeFileSync(
    join(dir, 't_hostile.yml'),
    ruleYaml('t_hostile', `method: file_exists\npath: "${hostile.replace(/"/g, '\\"')}"`),
  );
  const loaded = await loadRules([join(work, 'rules')]);
  expect(loaded.errors.map(String)).toEqual([]);
  rules = loaded.rules;
});

const byId = (r: Awaited<ReturnType<typeof scanHost>>, id: string) => r.results.find((x) => x.rule_id === id);

describe('scanHost against the local machine', () => {
  it('collects in two round trips with the traversal inline, and evaluates with evidence', async () => {
    const t = new LocalShTransport();
    const r = await scanHost({
      transport: t,
      rules,
      traversal: 'inline',
      traversalRoots: [join(work, 'walk')],
    });
    expect(r.stats.round_trips).toBe(2);
    // Scripts travel on stdin: the command lines carry nothing a local user could read from `ps`.
    expect(t.commands).toEqual(['sh -s', 'sh -s']);
    expect(r.platform).toMatchObject({ family: 'debian', id: 'debian', version: '12' });
    expect(byId(r, 't_perm')).toMatchObject({
      status: 'fail',
      evidence: [{ source: `stat ${work}/app.conf`, expected: `${work}/app.conf: mode at most 0600` }],
    });
    expect(byId(r, 't_var')?.status).toBe('fail');
    expect(byId(r, 't_walk')).toMatchObject({
      status: 'fail',
      evidence: [{ source: join(work, 'walk', 'open'), observed: 'mode 777 owner root group root' }],
    });
    expect(byId(r, 't_hostile')?.status).toBe('pass');
    expect(existsSync(join(homedir(), 'owpwned'))).toBe(false);
    expect(r.summary).toEqual({ total: 4, pass: 1, fail: 3, error: 0, not_applicable: 0, not_assessable: 0 });
    expect(r.timing.traversal_ms).toBeGreaterThanOrEqual(0);
  });

  it('runs the traversal as its own exec when asked, so its time is measured apart', async () => {
    const r = await scanHost({
      transport: new LocalShTransport(),
      rules,
      traversal: 'separate',
      traversalRoots: [join(work, 'walk')],
    });
    expect(r.stats.round_trips).toBe(3);
    expect(byId(r, 't_walk')?.status).toBe('fail');
  });

  it('never passes a skipped traversal', async () => {
    const r = await scanHost({ transport: new LocalShTransport(), rules, traversal: 'skip' });
    expect(r.stats.round_trips).toBe(2);
    expect(byId(r, 't_walk')).toMatchObject({
      status: 'not_assessable',
      reason: 'fs_walk: filesystem traversal skipped for this scan',
    });
  });

  it('applies variable overrides and rejects bad ones before contacting the host', async () => {
    const ok = await scanHost({
      transport: new LocalShTransport(),
      rules,
      traversal: 'skip',
      vars: { limit: '10' },
    });
    expect(byId(ok, 't_var')).toMatchObject({
      status: 'pass',
      evidence: [{ source: `${work}/app.conf:1`, observed: '10', expected: 'max_sessions <= 10' }],
    });
    const t = new LocalShTransport();
    await expect(
      scanHost({ transport: t, rules, vars: { 't_var.limit': 'ten', nosuch: '1' } }),
    ).rejects.toThrow(VariableError);
    await expect(scanHost({ transport: t, rules, vars: { 't_var.limit': 'ten' } })).rejects.toThrow(
      't_var.limit="ten": expected integer',
    );
    expect(t.commands).toEqual([]);
  });
});

describe('the bundled corpus on this Debian 12 machine', () => {
  it('runs in two round trips with no engine errors and evidence on every verdict', async () => {
    const loaded = await loadRules([join(import.meta.dirname, '../../rules')]);
    const r = await scanHost({ transport: new LocalShTransport(), rules: loaded.rules, traversal: 'skip' });
    expect(r.stats.round_trips).toBe(2);
    expect(
      r.results.filter((x) => x.status === 'error').map((x) => `${x.rule_id}: ${x.reason ?? ''}`),
    ).toEqual([]);
    expect(r.results.filter((x) => x.evidence.length === 0).map((x) => x.rule_id)).toEqual([]);
    expect(r.summary.total).toBe(loaded.rules.length);
  });
});

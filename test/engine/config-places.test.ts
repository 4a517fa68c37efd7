import { describe, expect, it } from 'vitest';
import { evaluateFixture, type FixtureCase } from '../../engine/fixture.ts';
import { parseRuleText } from '../../engine/rules/loader.ts';
import type { Rule } from '../../engine/rules/types.ts';

function rule(check: string): Rule {
  const text = `id: r\ntitle: t\ndescription: d\nrationale: r\nseverity: low\ncategory: c\nreferences: {nist_800_53: [CM-6]}\nimplementations:\n  - check: ${check}\nremediation: x\n`;
  const res = parseRuleText('r.yml', text, undefined);
  if (!res.rule) throw new Error(res.errors.map(String).join('\n'));
  return res.rule;
}

function run(r: Rule, facts: FixtureCase['facts']) {
  return evaluateFixture(r, { name: 'x', expect: 'pass', facts });
}

describe('permission checks on files that are not present', () => {
  it('pass by default and say so in the evidence', () => {
    const r = rule('{method: file_permissions, path: /etc/issue.net, owner: root}');
    const res = run(r, { 'stat:/etc/issue.net': '' });
    expect(res.status).toBe('pass');
    expect(res.evidence[0]).toMatchObject({ observed: null, note: 'not present' });
  });

  it('fail when the rule requires the file', () => {
    const r = rule('{method: file_permissions, path: /etc/shadow, mode: "0640", if_missing: fail}');
    const res = run(r, { 'stat:/etc/shadow': '' });
    expect(res.status).toBe('fail');
    expect(res.evidence[0]?.note).toBe('not present');
  });

  it('an unreadable path is never a pass', () => {
    const r = rule('{method: file_permissions, path: /root/x, mode: "0600"}');
    const res = run(r, { 'stat:/root/x': "stat: cannot statx '/root/x': Permission denied\n" });
    expect(res.status).toBe('not_assessable');
  });
});

const DROPINS = {
  'files:/etc/systemd/coredump.conf.d/*.conf': {},
  'files:/run/systemd/coredump.conf.d/*.conf': {},
  'files:/usr/local/lib/systemd/coredump.conf.d/*.conf': {},
  'files:/usr/lib/systemd/coredump.conf.d/*.conf': {},
};
const STORAGE = rule(
  '{method: systemd_conf, file: coredump.conf, section: Coredump, key: Storage, value: none}',
);

describe('systemd_conf', () => {
  it('names every file that assigns the key, the overridden wrong one included', () => {
    const res = run(STORAGE, {
      ...DROPINS,
      'file:/etc/systemd/coredump.conf': '[Coredump]\nStorage=external\n',
      'files:/usr/lib/systemd/coredump.conf.d/*.conf': {
        '/usr/lib/systemd/coredump.conf.d/50-vendor.conf': '[Coredump]\nStorage=none\n',
      },
    });
    expect(res.status).toBe('fail');
    expect(res.evidence.map((e) => e.source)).toEqual([
      '/etc/systemd/coredump.conf:2',
      '/usr/lib/systemd/coredump.conf.d/50-vendor.conf:2',
    ]);
    expect(res.evidence[1]?.note).toBe('effective (read last)');
  });

  it('without any assignment lists every place it looked', () => {
    const res = run(STORAGE, { ...DROPINS, 'file:/etc/systemd/coredump.conf': null });
    expect(res.status).toBe('fail');
    expect(res.evidence[0]?.source).toContain('/run/systemd/coredump.conf.d/*.conf');
    expect(res.evidence[0]?.source).toContain('/usr/lib/systemd/coredump.conf.d/*.conf');
  });

  it('a drop-in bundle that was not collected makes the verdict not assessable', () => {
    const res = run(STORAGE, { 'file:/etc/systemd/coredump.conf': '[Coredump]\nStorage=none\n' });
    expect(res.status).toBe('not_assessable');
  });
});

describe('pam_limits', () => {
  const CORE = rule('{method: pam_limits, item: core, value: 0}');
  it('limits.d is read after limits.conf and wins', () => {
    const res = run(CORE, {
      'file:/etc/security/limits.conf': '* hard core unlimited\n',
      'files:/etc/security/limits.d/*.conf': { '/etc/security/limits.d/50-cis.conf': '* hard core 0\n' },
    });
    expect(res.status).toBe('pass');
    expect(res.evidence[0]).toMatchObject({
      source: '/etc/security/limits.d/50-cis.conf:1',
      note: 'effective (read last)',
    });
  });

  it('-1, infinity and unlimited are the same value', () => {
    for (const v of ['-1', 'infinity', 'unlimited']) {
      const res = run(CORE, {
        'file:/etc/security/limits.conf': '',
        'files:/etc/security/limits.d/*.conf': { '/etc/security/limits.d/50.conf': `* hard core ${v}\n` },
      });
      expect(res.status).toBe('fail');
      expect(res.evidence[0]?.observed).toBe('* hard core unlimited');
    }
  });
});

import { describe, expect, it } from 'vitest';
import { compare, modeAtMost } from '../../engine/eval/compare.ts';
import { parseRuleText } from '../../engine/rules/loader.ts';
import { evaluateFixture, type FixtureCase } from '../../engine/fixture.ts';
import { buildCollectScript } from '../../engine/collect/script.ts';
import type { Rule } from '../../engine/rules/types.ts';

function rule(check: string, extra = ''): Rule {
  const text = `id: r\ntitle: t\ndescription: d\nrationale: r\nseverity: low\ncategory: c\nreferences: {nist_800_53: [CM-6]}\n${extra}implementations:\n  - check: ${check}\nremediation: x\n`;
  const res = parseRuleText('r.yml', text, undefined);
  if (!res.rule) throw new Error(res.errors.map(String).join('\n'));
  return res.rule;
}

function run(r: Rule, facts: FixtureCase['facts'], more: Partial<FixtureCase> = {}) {
  return evaluateFixture(r, { name: 'x', expect: 'pass', facts, ...more });
}

const SHADOW_OK = { 'stat:/etc/shadow': '640|0|42|root|shadow|1|regular file|/etc/shadow\n' };
const SHADOW_BAD = { 'stat:/etc/shadow': '666|0|42|root|shadow|1|regular file|/etc/shadow\n' };
const PERM = '{method: file_permissions, path: /etc/shadow, mode: "0640"}';

describe('comparators', () => {
  it('compares numbers numerically and strings exactly', () => {
    expect(compare('10', '<=', 9)).toBe(false);
    expect(compare('010', '==', 10)).toBe(true);
    expect(compare('Yes', '==', 'yes')).toBe(false);
    expect(compare('Yes', '==', 'yes', { ignoreCase: true })).toBe(true);
    expect(compare('abc', '>', 1)).toBe(false);
    expect(compare(null, '!=', 'x')).toBe(false);
  });

  it('treats modes bitwise, setuid included', () => {
    expect(modeAtMost('600', '0644')).toBe(true);
    expect(modeAtMost('640', '0604')).toBe(false);
    expect(modeAtMost('4755', '0755')).toBe(false);
    expect(modeAtMost('4755', '4755')).toBe(true);
    expect(compare('077', 'mode_at_least', '027')).toBe(true);
    expect(compare('022', 'mode_at_least', '027')).toBe(false);
  });

  it('handles list comparators', () => {
    expect(compare('aes128-ctr,aes256-cbc', 'contains_none', ['aes256-cbc'])).toBe(false);
    expect(compare('aes128-ctr aes256-ctr', 'subset_of', ['aes128-ctr', 'aes256-ctr', 'x'])).toBe(true);
    expect(compare('a,b', 'contains_all', ['a', 'c'])).toBe(false);
    expect(compare('2', 'in', [1, 2, 3])).toBe(true);
    expect(compare('2', 'not_in', [1, 3])).toBe(true);
  });
});

describe('check trees', () => {
  it('all: a definite fail decides even when another child lacks data', () => {
    const r = rule(`{all: [${PERM}, {method: sysctl, key: net.ipv4.ip_forward, value: 0}]}`);
    expect(run(r, SHADOW_BAD).status).toBe('fail');
    expect(run(r, SHADOW_OK)).toMatchObject({
      status: 'not_assessable',
      reason: 'sysctl:net.ipv4.ip_forward: not collected',
    });
  });

  it('any: a definite pass decides', () => {
    const r = rule(`{any: [${PERM}, {method: sysctl, key: net.ipv4.ip_forward, value: 0}]}`);
    expect(run(r, SHADOW_OK).status).toBe('pass');
    expect(run(r, SHADOW_BAD).status).toBe('not_assessable');
  });

  it('not swaps pass and fail but never turns missing data into a pass', () => {
    const r = rule(`{not: ${PERM}}`);
    expect(run(r, SHADOW_BAD).status).toBe('pass');
    expect(run(r, SHADOW_OK)).toMatchObject({
      status: 'fail',
      evidence: [{ expected: 'not (/etc/shadow: mode at most 0640)' }],
    });
    expect(run(r, {}).status).toBe('not_assessable');
  });

  it('never passes on a truncated fact, even through not', () => {
    const absent = rule('{method: file_content, path: /etc/x.conf, pattern: "^bad", expect: absent}');
    expect(run(absent, { 'file:/etc/x.conf': { text: 'good\n', truncated: true } })).toMatchObject({
      status: 'not_assessable',
      reason: 'truncated facts: file:/etc/x.conf',
    });
    expect(run(absent, { 'file:/etc/x.conf': { text: 'bad\n', truncated: true } }).status).toBe('fail');
    const negated = rule('{not: {method: file_content, path: /etc/x.conf, pattern: "^bad"}}');
    expect(run(negated, { 'file:/etc/x.conf': { text: 'good\n', truncated: true } }).status).toBe(
      'not_assessable',
    );
  });

  it('reports an unreadable file as not_assessable with the reason', () => {
    const r = rule('{method: login_defs, key: PASS_MAX_DAYS, op: "<=", value: 365}');
    expect(run(r, { 'file:/etc/login.defs': { rc: 1 } })).toMatchObject({
      status: 'not_assessable',
      reason: 'file:/etc/login.defs: exists but is not readable',
    });
  });

  it('turns a run-time variable that does not fit the parameter into an error', () => {
    const r = rule(
      '{method: file_permissions, path: {var: p}, mode: "0600"}',
      'variables:\n  p: {type: string, default: /etc/shadow, description: x}\n',
    );
    expect(run(r, SHADOW_OK, { vars: { p: 'relative' } })).toMatchObject({ status: 'error' });
    expect(run(r, SHADOW_OK).status).toBe('fail');
  });
});

describe('planning', () => {
  it('asks sshd -T -C with every value quoted', () => {
    const script = buildCollectScript(
      ['sshd_t:user=root,host=localhost,addr=127.0.0.1', "file:/etc/it's"],
      { caps: new Set(), kernel: 'x' },
      false,
    );
    expect(script).toContain(
      "_y 'sshd_t:user=root,host=localhost,addr=127.0.0.1' sshd -T -C 'user=root,host=localhost,addr=127.0.0.1'",
    );
    expect(script).toContain(`_f 'file:/etc/it'\\''s' '/etc/it'\\''s'`);
  });

  it('evaluates sshd Match through -C facts', () => {
    const r = rule(
      '{method: sshd_config, key: permitrootlogin, value: "no", match: {user: root, addr: 10.0.0.1}}',
    );
    const key = 'sshd_t:user=root,host=localhost,addr=10.0.0.1';
    expect(run(r, { [key]: 'permitrootlogin yes\n', sshd_config: {} })).toMatchObject({
      status: 'fail',
      evidence: [{ source: `sshd -T -C user=root,host=localhost,addr=10.0.0.1`, observed: 'yes' }],
    });
  });
});

describe('kernel_cmdline source: grub_default', () => {
  const r = (extra: string) => rule(`{method: kernel_cmdline, arg: audit, source: grub_default${extra}}`);
  const grub = (linux: string, dflt: string) => ({
    bootloader: {
      '/etc/default/grub': `GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT="${dflt}"\nGRUB_CMDLINE_LINUX="${linux}"\n`,
    },
  });

  it('counts an argument in either variable and names the line that sets it', () => {
    expect(run(r(''), grub('audit=1', 'quiet'))).toMatchObject({
      status: 'pass',
      evidence: [{ source: '/etc/default/grub:3', observed: 'audit=1' }],
    });
    expect(run(r(', value: "1"'), grub('', 'quiet audit=1')).evidence[0]?.source).toBe('/etc/default/grub:2');
    expect(run(r(''), grub('', 'quiet')).status).toBe('fail');
    expect(run(r(', expect: absent'), grub('', 'quiet')).status).toBe('pass');
  });

  it('lets GRUB_CMDLINE_LINUX_DEFAULT win for comparisons, as it comes later on the linux line', () => {
    expect(run(r(', value: "1"'), grub('audit=1', 'quiet audit=0'))).toMatchObject({
      status: 'fail',
      evidence: [{ source: '/etc/default/grub:2', observed: 'audit=0' }],
    });
    expect(run(r(', value: "1"'), grub('audit=0', 'audit=1')).status).toBe('pass');
  });

  it('is not assessable without /etc/default/grub', () => {
    expect(run(r(''), { bootloader: { '/boot/grub/grub.cfg': 'linux /vmlinuz audit=1\n' } }).status).toBe(
      'not_assessable',
    );
  });
});

describe('sysctl exclusions', () => {
  const r = rule('{method: sysctl, key: net.ipv4.conf.all.rp_filter, value: 1, runtime: false}');
  const rhelDefault =
    'net.ipv4.conf.default.rp_filter = 2\nnet.ipv4.conf.*.rp_filter = 2\n-net.ipv4.conf.all.rp_filter\n';

  it('keeps a glob assignment off an excluded key and says so', () => {
    const res = run(r, { sysctl_d: { '/usr/lib/sysctl.d/50-default.conf': rhelDefault } });
    expect(res.status).toBe('fail');
    expect(res.evidence[0]).toMatchObject({ source: '/usr/lib/sysctl.d/50-default.conf:3', observed: null });
    expect(res.evidence[0]?.note).toMatch(/excludes the key from glob assignments/);
  });

  it('still applies an explicit assignment of the excluded key', () => {
    const res = run(r, {
      sysctl_d: {
        '/usr/lib/sysctl.d/50-default.conf': rhelDefault,
        '/etc/sysctl.d/60-rp.conf': 'net.ipv4.conf.all.rp_filter = 1\n',
      },
    });
    expect(res).toMatchObject({ status: 'pass', evidence: [{ source: '/etc/sysctl.d/60-rp.conf:1' }] });
  });
});

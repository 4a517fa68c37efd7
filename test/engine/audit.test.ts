import { describe, expect, it } from 'vitest';
import { findCoverage, parseAuditRule, parseAuditRules } from '../../engine/parsers/audit.ts';

const LOADED = parseAuditRules(
  'auditctl -l',
  `-w /etc/passwd -p wa -k identity
-a always,exit -F arch=b64 -S adjtimex,settimeofday -F key=time-change
-a always,exit -F arch=b64 -S clock_settime -F key=time-change
-a always,exit -S all -F path=/usr/bin/sudo -F perm=x -F auid>=1000 -F auid!=-1 -F key=privileged
-a always,exit -F arch=b64 -C uid!=euid -F euid=0 -S execve -F key=user_emulation
`,
);

function covered(rule: string, matchKey = false): boolean {
  const want = parseAuditRule(rule);
  if (!want) throw new Error('unparseable');
  return findCoverage(want, LOADED, matchKey) !== undefined;
}

describe('audit rules', () => {
  it('matches watches by path and a superset of permissions', () => {
    expect(covered('-w /etc/passwd -p wa -k identity')).toBe(true);
    expect(covered('-w /etc/passwd -p w')).toBe(true);
    expect(covered('-w /etc/passwd -p wax')).toBe(false);
    expect(covered('-w /etc/shadow -p wa')).toBe(false);
  });

  it('accepts syscalls spread over several rules, -S lists and exit,always in any order', () => {
    expect(
      covered('-a exit,always -F arch=b64 -S adjtimex -S settimeofday -S clock_settime -k time-change'),
    ).toBe(true);
    expect(covered('-a always,exit -F arch=b32 -S adjtimex -k time-change')).toBe(false);
  });

  it('treats auid!=unset, -1 and 4294967295 alike and requires expected fields', () => {
    expect(
      covered('-a always,exit -F path=/usr/bin/sudo -F perm=x -F auid>=1000 -F auid!=unset -k privileged'),
    ).toBe(true);
    expect(covered('-a always,exit -F path=/usr/bin/sudo -F perm=x -F auid>=1000 -F auid!=4294967295')).toBe(
      true,
    );
    expect(covered('-a always,exit -F path=/usr/bin/sudo -F perm=x -F auid>=500')).toBe(false);
  });

  it('rejects a rule narrowed by an extra filter, accepts perm= with more letters', () => {
    const rules = parseAuditRules(
      'rules.d',
      '-a always,exit -F arch=b32 -S creat -F a2&0100 -F exit=-EACCES -F auid>=1000 -F auid!=unset -k x\n' +
        '-a always,exit -F arch=b64 -S clock_settime -F a0=0x1 -k time-change\n' +
        '-a always,exit -F path=/usr/bin/chsh -F perm=rx -F auid>=1000 -F auid!=unset\n' +
        '-a always,exit -F path=/usr/bin/su -F auid>=1000 -F auid!=unset\n',
    );
    const on = (rule: string) => {
      const want = parseAuditRule(rule);
      if (!want) throw new Error('unparseable');
      return findCoverage(want, rules, false) !== undefined;
    };
    expect(on('-a always,exit -F arch=b32 -S creat -F exit=-EACCES -F auid>=1000 -F auid!=unset')).toBe(
      false,
    );
    expect(on('-a always,exit -F arch=b64 -S clock_settime -k time-change')).toBe(false);
    expect(on('-a always,exit -F arch=b64 -S clock_settime -F a0=0x0 -k time-change')).toBe(false);
    expect(on('-a always,exit -F path=/usr/bin/chsh -F perm=x -F auid>=1000 -F auid!=unset')).toBe(true);
    expect(on('-a always,exit -F path=/usr/bin/su -F perm=x -F auid>=1000 -F auid!=unset')).toBe(false);
  });

  it('treats -C comparisons as symmetric', () => {
    expect(covered('-a always,exit -F arch=b64 -C euid!=uid -F euid=0 -S execve -k user_emulation')).toBe(
      true,
    );
  });

  it('compares keys only when asked', () => {
    expect(covered('-w /etc/passwd -p wa -k other')).toBe(true);
    expect(covered('-w /etc/passwd -p wa -k other', true)).toBe(false);
    expect(covered('-w /etc/passwd -p wa -k identity', true)).toBe(true);
  });

  it('ignores trailing slashes on watch paths and -F dir=/path= values (auditctl strips them)', () => {
    const loaded = parseAuditRules(
      'auditctl -l',
      '-w /etc/sudoers.d -p wa -k scope\n-a always,exit -F arch=b64 -F dir=/etc/apparmor.d -F perm=wa -F key=MAC-policy\n',
    );
    const persistent = parseAuditRules(
      '/etc/audit/rules.d/50-scope.rules',
      '-w /etc/sudoers.d/ -p wa -k scope\n',
    );
    const cover = (rule: string, rules: typeof loaded): boolean => {
      const want = parseAuditRule(rule);
      if (!want) throw new Error('unparseable');
      return findCoverage(want, rules, true) !== undefined;
    };
    expect(cover('-w /etc/sudoers.d/ -p wa -k scope', loaded)).toBe(true);
    expect(cover('-w /etc/sudoers.d -p wa -k scope', persistent)).toBe(true);
    expect(cover('-w /etc/sudoers.d// -p wa -k scope', loaded)).toBe(true);
    expect(cover('-a always,exit -F arch=b64 -F dir=/etc/apparmor.d/ -F perm=wa -k MAC-policy', loaded)).toBe(
      true,
    );
    expect(cover('-w /etc/sudoers -p wa -k scope', loaded)).toBe(false);
    expect(parseAuditRule('-w / -p wa')).toMatchObject({ kind: 'watch', path: '/' });
  });

  it('compares numeric field values across the bases auditctl prints', () => {
    const loaded = parseAuditRules(
      'auditctl -l',
      '-a always,exit -F arch=b64 -S personality -F a0=0x0 -F key=personality\n' +
        '-a always,exit -F arch=b64 -S socket -F a0=0xA -F auid!=0xffffffff -F key=net\n',
    );
    const cover = (rule: string): boolean => {
      const want = parseAuditRule(rule);
      if (!want) throw new Error('unparseable');
      return findCoverage(want, loaded, false) !== undefined;
    };
    expect(cover('-a always,exit -F arch=b64 -S personality -F a0=0')).toBe(true);
    expect(cover('-a always,exit -F arch=b64 -S personality -F a0=0x00')).toBe(true);
    expect(cover('-a always,exit -F arch=b64 -S socket -F a0=10 -F auid!=unset')).toBe(true);
    expect(cover('-a always,exit -F arch=b64 -S socket -F a0=0x10')).toBe(false);
    expect(cover('-a always,exit -F arch=b64 -S personality -F a0=1')).toBe(false);
  });

  it('parses control lines and ignores comments', () => {
    const r = parseAuditRules(
      '/etc/audit/rules.d/99-finalize.rules',
      '## Make the configuration immutable\n-e 2\n',
    );
    expect(r).toEqual([
      {
        rule: { kind: 'control', flag: '-e', value: '2' },
        text: '-e 2',
        source: '/etc/audit/rules.d/99-finalize.rules:2',
      },
    ]);
    expect(parseAuditRule('No rules')).toBeUndefined();
  });
});

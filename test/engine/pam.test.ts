import { describe, expect, it } from 'vitest';
import { pamArg, pamLines, pamStack, pamTokens } from '../../engine/parsers/pam.ts';
import { debian12 } from './helpers/snapshots.ts';

const files = new Map(
  ['common-auth', 'common-password', 'common-account', 'common-session', 'sshd', 'login', 'su'].map((f) => [
    `/etc/pam.d/${f}`,
    debian12(`pam.d-${f}`),
  ]),
);

describe('PAM stacks', () => {
  it('expands @include in the Debian 12 sshd stack', () => {
    const { entries, missing } = pamStack(files, 'sshd', 'auth');
    expect(entries.map((e) => `${e.control} ${e.module} ${e.args.join(' ')}`.trim())).toEqual([
      '[success=1 default=ignore] pam_unix.so nullok',
      'requisite pam_deny.so',
      'required pam_permit.so',
      'optional pam_cap.so',
    ]);
    expect(entries[0]?.file).toBe('/etc/pam.d/common-auth');
    expect(missing).toEqual([]);
  });

  it('keeps bracket controls and bracket args together', () => {
    expect(
      pamTokens('session [success=ok ignore=ignore module_unknown=ignore default=bad] pam_selinux.so close'),
    ).toEqual([
      'session',
      '[success=ok ignore=ignore module_unknown=ignore default=bad]',
      'pam_selinux.so',
      'close',
    ]);
    expect(pamTokens('auth required pam_succeed_if.so [user ingroup wheel]')).toEqual([
      'auth',
      'required',
      'pam_succeed_if.so',
      '[user ingroup wheel]',
    ]);
  });

  it('expands include and substack controls for the same type only, and accepts -type lines', () => {
    const f = new Map([
      [
        '/etc/pam.d/system-auth',
        'auth required pam_env.so\n-auth sufficient pam_sss.so\npassword requisite pam_pwquality.so local_users_only\n',
      ],
      ['/etc/pam.d/sshd', 'auth substack system-auth\npassword include system-auth\n'],
    ]);
    expect(pamStack(f, 'sshd', 'auth').entries.map((e) => [e.module, e.optional])).toEqual([
      ['pam_env.so', false],
      ['pam_sss.so', true],
    ]);
    expect(pamStack(f, 'sshd', 'password').entries.map((e) => e.module)).toEqual(['pam_pwquality.so']);
  });

  it('reports includes of missing files', () => {
    expect(pamStack(new Map([['/etc/pam.d/x', '@include gone\n']]), 'x', 'auth').missing).toEqual([
      '/etc/pam.d/gone',
    ]);
  });

  it('reads name=value and bare flags, last one wins', () => {
    expect(pamArg(['remember=5', 'use_authtok', 'remember=24'], 'remember')).toBe('24');
    expect(pamArg(['use_authtok'], 'use_authtok')).toBe(true);
    expect(pamArg(['nullok_secure'], 'nullok')).toBeUndefined();
  });
});

describe('PAM comments', () => {
  it('ends a logical line at # anywhere, continuation included, as Linux-PAM does', () => {
    expect(pamLines('auth required pam_faillock.so preauth # deny=3\n').map((l) => l.text.trim())).toEqual([
      'auth required pam_faillock.so preauth',
    ]);
    expect(pamLines('password requisite pam_pwquality.so \\\n  retry=3\n# all\n').map((l) => l)).toEqual([
      { n: 1, text: 'password requisite pam_pwquality.so    retry=3' },
    ]);
    const stack = pamStack(
      new Map([
        ['/etc/pam.d/common-password', 'password required pam_pwhistory.so use_authtok #remember=24\n'],
      ]),
      'common-password',
      'password',
    );
    expect(pamArg(stack.entries[0]?.args ?? [], 'remember')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import {
  effectiveFromConfig,
  matchApplies,
  parseSshdConfig,
  parseSshdT,
  sshdRejection,
  sshdSeconds,
  sshdWords,
  writtenValues,
} from '../../engine/parsers/sshd.ts';
import { debian12 } from './helpers/snapshots.ts';

const MAIN = '/etc/ssh/sshd_config';

function eff(files: Record<string, string>, key: string, conn?: Parameters<typeof effectiveFromConfig>[2]) {
  return effectiveFromConfig(parseSshdConfig(new Map(Object.entries(files))).directives, key, conn);
}

describe('sshd_config parser', () => {
  it('reads the stock Debian 12 file: Include first, then its settings', () => {
    const files = {
      [MAIN]: debian12('sshd_config'),
      '/etc/ssh/sshd_config.d/50-cloud-init.conf': 'PasswordAuthentication no\n',
    };
    expect(eff(files, 'usepam').value).toEqual({ value: 'yes', source: '/etc/ssh/sshd_config:85' });
    expect(eff(files, 'passwordauthentication').value?.source).toBe(
      '/etc/ssh/sshd_config.d/50-cloud-init.conf:1',
    );
    expect(eff(files, 'permitrootlogin').value).toBeUndefined();
  });

  it('first value wins, so a drop-in included at the top beats the main file', () => {
    const files = {
      [MAIN]: 'Include sshd_config.d/*.conf\nPermitRootLogin no\n',
      '/etc/ssh/sshd_config.d/10-x.conf': 'PermitRootLogin yes\n',
    };
    expect(eff(files, 'permitrootlogin').value?.value).toBe('yes');
  });

  it('reads included files in lexical order', () => {
    const files = {
      [MAIN]: 'Include /etc/ssh/sshd_config.d/*.conf\n',
      '/etc/ssh/sshd_config.d/20-b.conf': 'MaxAuthTries 6\n',
      '/etc/ssh/sshd_config.d/10-a.conf': 'MaxAuthTries 3\n',
    };
    expect(eff(files, 'maxauthtries').value?.value).toBe('3');
  });

  it('accumulates multi-valued keywords', () => {
    const files = { [MAIN]: 'Port 22\nAcceptEnv LANG LC_*\nAcceptEnv TZ\nPort 2222\n' };
    expect(eff(files, 'port').value?.value).toBe('22,2222');
    expect(eff(files, 'acceptenv').value?.value).toBe('LANG LC_*,TZ');
  });

  it('applies Match blocks only to matching connections', () => {
    const files = {
      [MAIN]:
        'PermitRootLogin no\nMatch Address 10.0.0.0/8 User root\n  PermitRootLogin yes\nMatch all\nX11Forwarding no\n',
    };
    expect(eff(files, 'permitrootlogin').value?.value).toBe('no');
    const inside = { user: 'root', host: 'h', addr: '10.1.2.3' };
    expect(
      eff(
        { [MAIN]: 'Match Address 10.0.0.0/8 User root\n  PermitRootLogin yes\n' },
        'permitrootlogin',
        inside,
      ).value?.value,
    ).toBe('yes');
    expect(eff(files, 'x11forwarding').value?.value).toBe('no');
  });

  it('cannot decide Group criteria offline', () => {
    expect(
      eff({ [MAIN]: 'Match Group admins\n  PermitRootLogin yes\n' }, 'permitrootlogin', { user: 'root' })
        .undecided,
    ).toBe(true);
  });

  it('ends a Match opened in an included file at the end of that file', () => {
    const files = {
      [MAIN]: 'Include /etc/ssh/a.conf\nPermitTTY no\n',
      '/etc/ssh/a.conf': 'Match User bob\n  PermitTTY yes\n',
    };
    expect(eff(files, 'permittty').value).toEqual({ value: 'no', source: '/etc/ssh/sshd_config:2' });
  });

  it('converts time values to seconds like sshd -T', () => {
    expect(eff({ [MAIN]: 'LoginGraceTime 1m30s\n' }, 'logingracetime').value?.value).toBe('90');
    expect(sshdSeconds('2h')).toBe(7200);
    expect(sshdSeconds('bogus')).toBeUndefined();
  });

  it('splits words with quotes and Key=value', () => {
    expect(sshdWords('Banner="/etc/issue net"')).toEqual(['Banner', '/etc/issue net']);
    expect(sshdWords('  Ciphers aes128-ctr,aes256-ctr ')).toEqual(['Ciphers', 'aes128-ctr,aes256-ctr']);
  });

  it('matches address lists with negation', () => {
    expect(matchApplies(['Address', '!192.168.1.5,192.168.1.0/24'], { addr: '192.168.1.5' })).toBe(false);
    expect(matchApplies(['Address', '!192.168.1.5,192.168.1.0/24'], { addr: '192.168.1.6' })).toBe(true);
    expect(matchApplies(['User', 'adm*'], { user: 'admin' })).toBe(true);
  });
});

describe('sshd -T output', () => {
  it('keys by lowercase keyword, one entry per line', () => {
    const t = parseSshdT(
      'port 22\nlistenaddress [::]:22\nlistenaddress 0.0.0.0:22\npermitrootlogin without-password\n',
    );
    expect(t.get('listenaddress')).toEqual(['[::]:22', '0.0.0.0:22']);
    expect(t.get('permitrootlogin')).toEqual(['without-password']);
  });
});

describe('sshd -T failures and written values', () => {
  it('tells a rejected configuration from a failure to run', () => {
    expect(
      sshdRejection(
        '/etc/ssh/sshd_config: line 3: Bad configuration option: PermitRootLogn\n' +
          '/etc/ssh/sshd_config: terminating, 1 bad configuration options\n',
      ),
    ).toContain('Bad configuration option: PermitRootLogn');
    expect(sshdRejection('/etc/ssh/sshd_config line 7: unsupported option "maybe".\n')).toContain('line 7');
    expect(sshdRejection('sshd: no hostkeys available -- exiting.\n')).toBeUndefined();
    expect(sshdRejection('Missing privilege separation directory: /run/sshd\n')).toBeUndefined();
  });

  it('keeps only keyword lines when stderr warnings share the output', () => {
    const t = parseSshdT('/etc/ssh/sshd_config line 4: Deprecated option RSAAuthentication\nport 22\n');
    expect([...t.keys()]).toEqual(['port']);
  });

  it('ends a line at a word starting with #, as OpenSSH does', () => {
    expect(sshdWords('PermitRootLogin no #yes')).toEqual(['PermitRootLogin', 'no']);
    expect(sshdWords('Banner "/etc/#issue"')).toEqual(['Banner', '/etc/#issue']);
  });

  it('lists every written line of a keyword, in Match blocks and unreached files too', () => {
    const files = new Map([
      [MAIN, 'PermitRootLogin no\nMatch User bob\n  PermitRootLogin yes\n'],
      ['/etc/ssh/sshd_config.d/x.conf', 'LoginGraceTime 1m\n'],
    ]);
    expect(writtenValues(files, 'permitrootlogin').map((w) => `${w.source}=${w.value}`)).toEqual([
      `${MAIN}:1=no`,
      `${MAIN}:3=yes`,
    ]);
    expect(writtenValues(files, 'logingracetime')[0]?.value).toBe('60');
  });
});

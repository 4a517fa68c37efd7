import { describe, expect, it } from 'vitest';
import { parseGroup, parsePasswd, parseShadow } from '../../engine/parsers/accounts.ts';
import { bootloaderLines, cmdlineArg, grubDefaultArgs, splitCmdline } from '../../engine/parsers/cmdline.ts';
import { loginDefs, lookupKey, parseKeyValues } from '../../engine/parsers/keyvalue.ts';
import { mountAt, parseMounts } from '../../engine/parsers/mounts.ts';
import { parsePackages } from '../../engine/parsers/packages.ts';
import { parseProcNet } from '../../engine/parsers/proc-net.ts';
import { parseStat } from '../../engine/parsers/stat.ts';
import { parseSudoers } from '../../engine/parsers/sudoers.ts';
import { parseUnit, splitShowOutput } from '../../engine/parsers/systemd.ts';
import { debian12 } from './helpers/snapshots.ts';

describe('login.defs', () => {
  it('reads the Debian 12 file', () => {
    const t = debian12('login.defs');
    expect(loginDefs(t, 'PASS_MAX_DAYS')).toMatchObject({ value: '99999', file: '/etc/login.defs' });
    expect(loginDefs(t, 'UID_MIN')?.value).toBe('1000');
    expect(loginDefs(t, 'ENCRYPT_METHOD')?.value).toBe('SHA512');
    expect(loginDefs(t, 'SHA_CRYPT_MIN_ROUNDS')).toBeUndefined();
  });
  it('lets the last assignment win', () => {
    expect(loginDefs('UMASK 022\nUMASK 027\n', 'UMASK')).toMatchObject({ value: '027', line: 2 });
  });
});

describe('key/value files', () => {
  it('honours ini sections, separators, quotes and first/last occurrence', () => {
    const text = '[Journal]\nStorage = "persistent"\n[Other]\nStorage=volatile\n';
    expect(
      parseKeyValues('/j', text, {
        separator: '=',
        section: 'Journal',
        commentChars: '#',
        ignoreCaseKey: false,
      }),
    ).toEqual([{ key: 'Storage', value: 'persistent', file: '/j', line: 2 }]);
    const files = [
      { path: '/a', text: 'minlen = 8\n' },
      { path: '/a.d/1', text: 'minlen=14\n' },
    ];
    const o = { separator: '=', commentChars: '#', ignoreCaseKey: false };
    expect(lookupKey(files, 'minlen', { ...o, occurrence: 'last' })?.value).toBe('14');
    expect(lookupKey(files, 'minlen', { ...o, occurrence: 'first' })?.value).toBe('8');
  });
});

describe('stat lines', () => {
  it('parses the format and permission-denied errors', () => {
    expect(
      parseStat(
        "640|0|42|root|shadow|1036|regular file|/etc/shadow\nstat: cannot statx '/root/x': Permission denied\nstat: cannot statx '/nope': No such file or directory\n",
      ),
    ).toEqual({
      entries: [
        {
          mode: '640',
          uid: 0,
          gid: 42,
          user: 'root',
          group: 'shadow',
          size: 1036,
          type: 'regular file',
          path: '/etc/shadow',
        },
      ],
      denied: ['/root/x'],
    });
  });
});

describe('packages', () => {
  it('counts installed states only', () => {
    const p = parsePackages(
      'ii \tbash\t5.2.15-2+b7\tamd64\nrc \ttelnet\t0.17+2.4-2\tamd64\niF \taide\t0.18\tamd64\niW \tfoo\t1\tall\n',
    );
    expect(p.get('bash')?.[0]?.installed).toBe(true);
    expect(p.get('telnet')?.[0]?.installed).toBe(false);
    expect(p.get('aide')?.[0]?.installed).toBe(false);
    expect(p.get('foo')?.[0]?.installed).toBe(true);
  });
});

describe('systemctl show', () => {
  it('splits a batched output by blank lines', () => {
    const blocks = splitShowOutput(
      'LoadState=loaded\nActiveState=active\nUnitFileState=enabled\n\nLoadState=not-found\nActiveState=inactive\nUnitFileState=\n',
    );
    expect(blocks.map(parseUnit).map((u) => u.LoadState)).toEqual(['loaded', 'not-found']);
  });
});

describe('mounts', () => {
  it('decodes octal escapes and picks the last mount on a target', () => {
    const m = parseMounts(
      '/dev/vda1 / ext4 rw 0 0\n/dev/vdb /mnt/my\\040disk ext4 rw,nodev 0 0\ntmpfs /tmp tmpfs rw 0 0\ntmpfs /tmp tmpfs rw,noexec 0 0\n',
    );
    expect(m[1]?.target).toBe('/mnt/my disk');
    expect(mountAt(m, '/tmp/')?.options).toEqual(['rw', 'noexec']);
  });
});

describe('passwd, shadow, group', () => {
  it('parses fields and skips NIS compat lines', () => {
    expect(parsePasswd('root:x:0:0:root:/root:/bin/bash\n+::::::\n')).toHaveLength(1);
    expect(parseShadow('alice:$y$:19710:1:365:7:30::\n')[0]).toMatchObject({
      hash: '$y$',
      maxDays: '365',
      inactive: '30',
    });
    expect(parseGroup('sudo:x:27:alice,bob\n')[0]?.members).toEqual(['alice', 'bob']);
  });
});

describe('kernel command line', () => {
  it('reads grub.cfg linux lines and BLS options', () => {
    const lines = bootloaderLines([
      {
        path: '/boot/grub/grub.cfg',
        text: "menuentry 'x' {\n\tlinux\t/boot/vmlinuz root=UUID=1 ro quiet audit=1\n}\n",
      },
      { path: '/boot/loader/entries/abc.conf', text: 'title Rocky\noptions root=/dev/vda1 ro audit=0\n' },
    ]);
    expect(lines.map((l) => [l.source, cmdlineArg(l.args, 'audit')])).toEqual([
      ['/boot/grub/grub.cfg:2', '1'],
      ['/boot/loader/entries/abc.conf:2', '0'],
    ]);
    expect(splitCmdline('a="b c" d')).toEqual(['a=b c', 'd']);
    expect(
      grubDefaultArgs([
        { path: '/etc/default/grub', text: 'GRUB_CMDLINE_LINUX="audit=1 audit_backlog_limit=8192"\n' },
      ])[0]?.args,
    ).toEqual(['audit=1', 'audit_backlog_limit=8192']);
  });

  it('joins the final GRUB_CMDLINE_LINUX and GRUB_CMDLINE_LINUX_DEFAULT as grub-mkconfig does', () => {
    const [line] = grubDefaultArgs([
      {
        path: '/etc/default/grub.d/50-cloudimg.cfg',
        text: 'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT console=ttyS0 audit=0"\n',
      },
      {
        path: '/etc/default/grub',
        text: [
          'GRUB_DEFAULT=0',
          'GRUB_CMDLINE_LINUX_DEFAULT="quiet"',
          '# GRUB_CMDLINE_LINUX="audit=0"',
          'GRUB_CMDLINE_LINUX="audit=1 apparmor=1"',
          'GRUB_CMDLINE_LINUX="${GRUB_CMDLINE_LINUX} security=apparmor" # hardening',
          '',
        ].join('\n'),
      },
      { path: '/etc/default/grub.d/README', text: 'GRUB_CMDLINE_LINUX="ignored=1"\n' },
      { path: '/boot/grub/grub.cfg', text: 'linux /vmlinuz audit=1\n' },
    ]);
    expect(line?.args).toEqual([
      'audit=1',
      'apparmor=1',
      'security=apparmor',
      'quiet',
      'console=ttyS0',
      'audit=0',
    ]);
    // the later variable wins, and each argument knows the line that wrote it
    expect(cmdlineArg(line?.args ?? [], 'audit')).toBe('0');
    expect(line?.args.indexOf('apparmor=1')).toBe(1);
    expect(line?.origins).toEqual([
      '/etc/default/grub:4',
      '/etc/default/grub:4',
      '/etc/default/grub:5',
      '/etc/default/grub:2',
      '/etc/default/grub.d/50-cloudimg.cfg:1',
      '/etc/default/grub.d/50-cloudimg.cfg:1',
    ]);
    expect(grubDefaultArgs([{ path: '/boot/grub/grub.cfg', text: 'linux /vmlinuz\n' }])).toEqual([]);
    expect(
      grubDefaultArgs([
        { path: '/etc/default/grub', text: "GRUB_CMDLINE_LINUX='a=$GRUB_CMDLINE_LINUX' b=1\n" },
      ])[0]?.args,
    ).toEqual(['a=$GRUB_CMDLINE_LINUX']);
  });
});

describe('/proc/net', () => {
  it('finds listeners and decodes little-endian addresses', () => {
    const tcp =
      '  sl  local_address rem_address   st\n   0: 0100007F:0019 00000000:0000 0A 0\n   1: 0F02000A:C350 0100000A:0017 01 0\n';
    expect(parseProcNet('/proc/net/tcp', tcp)).toEqual([
      { protocol: 'tcp', address: '127.0.0.1', port: 25, loopback: true },
    ]);
  });
});

describe('sudoers', () => {
  it('reads Debian 12 defaults and scoped defaults', () => {
    const p = parseSudoers([
      {
        path: '/etc/sudoers',
        text: `${debian12('sudoers')}Defaults:alice !use_pty\nDefaults logfile="/var/log/sudo.log", !lecture\n`,
      },
    ]);
    expect(p.defaults.map((d) => `${d.negated ? '!' : ''}${d.name}${d.value ? `=${d.value}` : ''}`)).toEqual([
      'env_reset',
      'mail_badpass',
      'secure_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'use_pty',
      'logfile=/var/log/sudo.log',
      '!lecture',
    ]);
    expect(p.scopedDefaults[0]).toMatchObject({ name: 'use_pty', negated: true });
    expect(p.nopasswd).toEqual([]);
  });
});

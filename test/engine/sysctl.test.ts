import { describe, expect, it } from 'vitest';
import {
  configuredSysctl,
  orderSysctlFiles,
  parseSysctlFile,
  sysctlConfiguration,
} from '../../engine/parsers/sysctl.ts';
import { debian12 } from './helpers/snapshots.ts';

describe('sysctl.d ordering (systemd / sysctl --system)', () => {
  it('orders by basename, earliest directory wins a basename, /etc/sysctl.conf only as 99-sysctl.conf', () => {
    expect(
      orderSysctlFiles([
        '/etc/sysctl.conf',
        '/usr/lib/sysctl.d/99-protect-links.conf',
        '/usr/lib/sysctl.d/50-pid-max.conf',
        '/lib/sysctl.d/50-pid-max.conf',
        '/run/sysctl.d/50-pid-max.conf',
        '/etc/sysctl.d/99-sysctl.conf',
        '/etc/sysctl.d/README.sysctl',
      ]),
    ).toEqual([
      '/run/sysctl.d/50-pid-max.conf',
      '/usr/lib/sysctl.d/99-protect-links.conf',
      '/etc/sysctl.d/99-sysctl.conf',
    ]);
  });

  it('reads /etc/sysctl.conf once: through an identical 99-sysctl.conf, or last (as sysctl --system) without it', () => {
    const text = 'net.ipv4.ip_forward = 0\n';
    const where = (files: Map<string, string>): string[] =>
      sysctlConfiguration(files).map((a) => `${a.file}:${a.line} ${a.key}=${a.value}`);
    expect(
      where(
        new Map([
          ['/etc/sysctl.d/99-sysctl.conf', text],
          ['/etc/sysctl.conf', text],
        ]),
      ),
    ).toEqual(['/etc/sysctl.d/99-sysctl.conf:1 net.ipv4.ip_forward=0']);
    expect(
      where(
        new Map([
          ['/etc/sysctl.conf', text],
          ['/etc/sysctl.d/10-a.conf', 'net.ipv4.ip_forward = 1\n'],
        ]),
      ),
    ).toEqual([
      '/etc/sysctl.d/10-a.conf:1 net.ipv4.ip_forward=1',
      '/etc/sysctl.conf:1 net.ipv4.ip_forward=0',
    ]);
    // A 99-sysctl.conf that is not the link (another file of that name) leaves /etc/sysctl.conf to procps too.
    expect(
      where(
        new Map([
          ['/etc/sysctl.d/99-sysctl.conf', 'kernel.sysrq = 0\n'],
          ['/etc/sysctl.conf', text],
        ]),
      ),
    ).toEqual(['/etc/sysctl.d/99-sysctl.conf:1 kernel.sysrq=0', '/etc/sysctl.conf:1 net.ipv4.ip_forward=0']);
  });

  it('reads the Debian 12 files: protect-links from /usr/lib', () => {
    const files = new Map([
      ['/usr/lib/sysctl.d/50-pid-max.conf', debian12('sysctl-50-pid-max.conf')],
      ['/usr/lib/sysctl.d/99-protect-links.conf', debian12('sysctl-99-protect-links.conf')],
      ['/etc/sysctl.d/99-sysctl.conf', debian12('sysctl.conf')],
      ['/etc/sysctl.conf', debian12('sysctl.conf')],
    ]);
    expect(configuredSysctl(files, 'fs.protected_regular').effective).toEqual({
      key: 'fs.protected_regular',
      value: '2',
      file: '/usr/lib/sysctl.d/99-protect-links.conf',
      line: 9,
    });
    expect(configuredSysctl(files, 'net.ipv4.ip_forward').effective).toBeUndefined();
  });

  it('lets a later assignment win and records the ones it overrides', () => {
    const files = new Map([
      ['/etc/sysctl.d/10-a.conf', 'net.ipv4.ip_forward = 1\n'],
      ['/etc/sysctl.d/20-b.conf', 'net/ipv4/ip_forward=0\n'],
    ]);
    const r = configuredSysctl(files, 'net.ipv4.ip_forward');
    expect(r.effective?.value).toBe('0');
    expect(r.all.map((a) => a.file)).toEqual(['/etc/sysctl.d/10-a.conf', '/etc/sysctl.d/20-b.conf']);
  });

  it('honours glob keys, leading -, ; comments and whitespace in values', () => {
    const a = parseSysctlFile(
      '/x.conf',
      '; comment\n-net.ipv4.conf.*.rp_filter = 2\nnet.ipv4.ip_local_port_range =  32768\t60999 \n',
    );
    expect(a.map((x) => [x.key, x.value])).toEqual([
      ['net.ipv4.conf.*.rp_filter', '2'],
      ['net.ipv4.ip_local_port_range', '32768 60999'],
    ]);
    const files = new Map([['/usr/lib/sysctl.d/50-default.conf', '-net.ipv4.conf.*.rp_filter = 2\n']]);
    expect(configuredSysctl(files, 'net.ipv4.conf.all.rp_filter').effective?.value).toBe('2');
  });

  it('treats -key without = as an exclusion from glob assignments (RHEL 9 50-default.conf)', () => {
    const rhel = new Map([
      [
        '/usr/lib/sysctl.d/50-default.conf',
        'net.ipv4.conf.default.rp_filter = 2\nnet.ipv4.conf.*.rp_filter = 2\n-net.ipv4.conf.all.rp_filter\n',
      ],
    ]);
    const all = configuredSysctl(rhel, 'net.ipv4.conf.all.rp_filter');
    expect(all.effective).toBeUndefined();
    expect(all.excludedBy).toMatchObject({ key: 'net.ipv4.conf.all.rp_filter', line: 3, exclude: true });
    expect(all.all.map((a) => a.key)).toEqual(['net.ipv4.conf.*.rp_filter']);
    // other interfaces still get the glob; an explicit key is not overridden by a glob
    expect(configuredSysctl(rhel, 'net.ipv4.conf.eth0.rp_filter').effective?.line).toBe(2);
    expect(configuredSysctl(rhel, 'net.ipv4.conf.default.rp_filter').effective?.line).toBe(1);
    // the exclusion is order-independent, and an explicit assignment of the key still applies
    rhel.set('/etc/sysctl.d/99-hardening.conf', 'net.ipv4.conf.all.rp_filter = 1\n');
    expect(configuredSysctl(rhel, 'net.ipv4.conf.all.rp_filter').effective).toMatchObject({
      file: '/etc/sysctl.d/99-hardening.conf',
      value: '1',
    });
    // an exclusion read after an assignment of the same key replaces it (systemd keeps one entry per key)
    const dropped = new Map([
      ['/etc/sysctl.d/10-a.conf', 'net.ipv4.conf.all.rp_filter = 1\n'],
      ['/etc/sysctl.d/20-b.conf', '-net.ipv4.conf.all.rp_filter\n'],
    ]);
    expect(configuredSysctl(dropped, 'net.ipv4.conf.all.rp_filter').effective).toBeUndefined();
    expect(parseSysctlFile('/x.conf', '-\nkernel.sysrq\n')).toEqual([]);
  });

  it('lets an explicit assignment beat a glob whichever is read later, and the later of two globs win', () => {
    const files = new Map([
      ['/etc/sysctl.d/10-local.conf', 'net.ipv4.conf.all.rp_filter = 1\n'],
      ['/usr/lib/sysctl.d/50-default.conf', 'net.ipv4.conf.*.rp_filter = 2\n'],
      ['/usr/lib/sysctl.d/60-more.conf', 'net.ipv4.conf.e*.rp_filter = 0\n'],
    ]);
    expect(configuredSysctl(files, 'net.ipv4.conf.all.rp_filter').effective?.value).toBe('1');
    expect(configuredSysctl(files, 'net.ipv4.conf.eth0.rp_filter').effective?.value).toBe('0');
    expect(configuredSysctl(files, 'net.ipv4.conf.lo.rp_filter').effective?.value).toBe('2');
  });
});

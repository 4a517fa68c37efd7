import { describe, expect, it } from 'vitest';
import {
  availableModules,
  loadedModules,
  moduleConfig,
  orderModprobeFiles,
  parseModprobe,
} from '../../engine/parsers/modprobe.ts';

describe('modprobe.d', () => {
  it('reads all five directories with /etc winning a basename', () => {
    expect(
      orderModprobeFiles([
        '/lib/modprobe.d/aliases.conf',
        '/etc/modprobe.d/aliases.conf',
        '/usr/lib/modprobe.d/50-x.conf',
        '/run/modprobe.d/a.conf',
        '/etc/modprobe.d/notconf',
      ]),
    ).toEqual(['/usr/lib/modprobe.d/50-x.conf', '/run/modprobe.d/a.conf', '/etc/modprobe.d/aliases.conf']);
  });

  it('takes the first install line, normalises - and _, joins continuations', () => {
    const d = parseModprobe(
      new Map([
        ['/etc/modprobe.d/00-a.conf', 'install usb-storage /bin/false \\\n  # never\n'],
        [
          '/etc/modprobe.d/10-b.conf',
          'install usb_storage /sbin/modprobe --ignore-install usb-storage\nblacklist usb-storage\n',
        ],
      ]),
    );
    const c = moduleConfig(d, 'usb-storage');
    expect(c.install?.file).toBe('/etc/modprobe.d/00-a.conf');
    expect(c.installDisables).toBe(true);
    expect(c.blacklist?.line).toBe(2);
  });

  it('does not count an install that runs a real command', () => {
    const d = parseModprobe(new Map([['/etc/modprobe.d/x.conf', 'install cramfs /bin/echo no\n']]));
    expect(moduleConfig(d, 'cramfs').installDisables).toBe(false);
  });

  it('parses /proc/modules and modules.dep paths', () => {
    expect([...loadedModules('usb_storage 81920 0 - Live 0x0\next4 1007616 1 - Live 0x0\n')]).toEqual([
      'usb_storage',
      'ext4',
    ]);
    expect(
      availableModules('kernel/fs/cramfs/cramfs.ko.xz\nkernel/drivers/usb/storage/usb-storage.ko\n'),
    ).toEqual(new Set(['cramfs', 'usb_storage']));
  });
});

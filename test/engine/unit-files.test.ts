import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { offlineUnitState, parseUnitFiles, UNIT_FILES_SCRIPT } from '../../engine/parsers/unit-files.ts';

const listing = parseUnitFiles(
  [
    'F|/lib/systemd/system/ssh.service|',
    'L|/etc/systemd/system/sshd.service|/lib/systemd/system/ssh.service',
    'L|/etc/systemd/system/multi-user.target.wants/ssh.service|/lib/systemd/system/ssh.service',
    'F|/lib/systemd/system/cups.service|',
    'L|/run/systemd/system/cups.service|/dev/null',
    'F|/lib/systemd/system/rsync.service|',
    'L|/lib/systemd/system/multi-user.target.wants/rsync.service|../rsync.service',
    'F|/lib/systemd/system/nfs-server.service|',
    'L|/run/systemd/system/multi-user.target.wants/nfs-server.service|/lib/systemd/system/nfs-server.service',
    'garbage line',
  ].join('\n'),
);

describe('unit enablement from the files (systemd not running)', () => {
  it('resolves an alias to its unit and finds the enablement link', () => {
    const r = offlineUnitState(listing, 'sshd.service');
    expect(r.state.UnitFileState).toBe('enabled');
    expect(r.seen).toContain(
      '/etc/systemd/system/multi-user.target.wants/ssh.service -> /lib/systemd/system/ssh.service',
    );
  });

  it('tells masks, vendor (static) links, runtime links and missing units apart', () => {
    expect(offlineUnitState(listing, 'cups.service').state).toMatchObject({
      LoadState: 'masked',
      UnitFileState: 'masked-runtime',
    });
    expect(offlineUnitState(listing, 'rsync.service').state.UnitFileState).toBe('static');
    expect(offlineUnitState(listing, 'nfs-server.service').state.UnitFileState).toBe('enabled-runtime');
    expect(offlineUnitState(listing, 'avahi-daemon.service').state.LoadState).toBe('not-found');
  });

  it('lists a real directory tree the way the collector does', () => {
    // The collector script reads fixed system paths; run it against a copy rooted in a temp dir.
    const root = mkdtempSync(join(tmpdir(), 'ow-units-'));
    try {
      const etc = join(root, 'etc/systemd/system');
      const lib = join(root, 'lib/systemd/system');
      mkdirSync(join(etc, 'multi-user.target.wants'), { recursive: true });
      mkdirSync(lib, { recursive: true });
      writeFileSync(join(lib, 'cron.service'), '[Install]\nWantedBy=multi-user.target\n');
      symlinkSync(join(lib, 'cron.service'), join(etc, 'multi-user.target.wants/cron.service'));
      symlinkSync('/dev/null', join(etc, 'cups.service'));
      const script = UNIT_FILES_SCRIPT.replaceAll(' /', ` ${root}/`);
      const out = execFileSync('sh', ['-c', script], { encoding: 'utf8' }).replaceAll(root, '');
      const state = (u: string) => offlineUnitState(parseUnitFiles(out), u).state;
      expect(state('cron.service').UnitFileState).toBe('enabled');
      expect(state('cups.service').LoadState).toBe('masked');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

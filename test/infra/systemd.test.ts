import { execFile } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const exec = promisify(execFile);
const UNITS = join(ROOT, 'infra', 'systemd');
const SERVICES = ['openwatch.service', 'openwatch-runner.service', 'openwatch-backup.service'];
/** The ceiling the issue sets ("OK" in systemd-analyze's words); docs/operations/deployment.md records the scores. */
const MAX_EXPOSURE = 2.0;

/** A root for `systemd-analyze verify --root`: systemd's own units, ours, and an executable /usr/bin/openwatch. */
function verifyRoot(): string {
  const root = tempDir('ow-systemd-root');
  mkdirSync(join(root, 'usr', 'bin'), { recursive: true });
  mkdirSync(join(root, 'etc', 'systemd', 'system'), { recursive: true });
  cpSync('/usr/lib/systemd/system', join(root, 'usr', 'lib', 'systemd', 'system'), { recursive: true });
  writeFileSync(join(root, 'usr', 'bin', 'openwatch'), '#!/bin/sh\n');
  chmodSync(join(root, 'usr', 'bin', 'openwatch'), 0o755);
  for (const u of readdirSync(UNITS)) cpSync(join(UNITS, u), join(root, 'etc', 'systemd', 'system', u));
  return root;
}

describe('infra/systemd units', () => {
  it('pass systemd-analyze verify without a single warning', async () => {
    const root = verifyRoot();
    const units = readdirSync(UNITS).map((u) => `/etc/systemd/system/${u}`);
    expect(units).toHaveLength(4);
    const { stdout, stderr } = await exec('systemd-analyze', ['verify', `--root=${root}`, ...units]);
    expect(stdout + stderr).toBe('');
  });

  it('a broken directive is reported (the check can fail)', async () => {
    const root = verifyRoot();
    const unit = join(root, 'etc', 'systemd', 'system', 'openwatch.service');
    writeFileSync(unit, readFileSync(unit, 'utf8').replace('NoNewPrivileges=yes', 'NoNewPrivileges=maybe'));
    const { stderr } = await exec('systemd-analyze', [
      'verify',
      `--root=${root}`,
      '/etc/systemd/system/openwatch.service',
    ]);
    expect(stderr).toContain('Failed to parse boolean value');
  });

  it.each(SERVICES)('%s scores at most 2.0 in systemd-analyze security', async (unit) => {
    const { stdout } = await exec('systemd-analyze', ['security', '--offline=yes', join(UNITS, unit)]);
    const m = /Overall exposure level for \S+: (\d+\.\d) (\w+)/.exec(stdout);
    expect(m, stdout).not.toBeNull();
    expect(Number(m?.[1])).toBeLessThanOrEqual(MAX_EXPOSURE);
    expect(m?.[2]).toBe('OK');
  });

  it('every service carries the hardening table of the deployment guide', () => {
    for (const unit of SERVICES) {
      const text = readFileSync(join(UNITS, unit), 'utf8');
      for (const line of [
        'User=openwatch',
        'NoNewPrivileges=yes',
        'ProtectSystem=strict',
        'ProtectHome=yes',
        'PrivateTmp=yes',
        'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX',
        'CapabilityBoundingSet=',
        'SystemCallFilter=@system-service',
      ])
        expect(text, `${unit}: ${line}`).toContain(`\n${line}\n`);
      expect(text).toMatch(/\nReadWritePaths=\S+/);
      // Node's JIT needs writable+executable pages.
      expect(text).not.toMatch(/\nMemoryDenyWriteExecute=yes/);
    }
    for (const unit of ['openwatch.service', 'openwatch-runner.service'])
      expect(readFileSync(join(UNITS, unit), 'utf8')).toContain('\nRestart=on-failure\n');
  });
});

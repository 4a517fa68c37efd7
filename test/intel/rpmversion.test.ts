import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compareRpmVersions, rpmvercmp } from '../../core/intel/rpmversion.ts';

/**
 * rpm's own vectors: rpm-software-management/rpm, tests/rpmvercmp.at (the RPMVERCMP(a, b, expected)
 * lines, including the tilde and caret cases of rpm ≥ 4.15 and, last, the "oddities" that file keeps
 * commented out to document the C code's behaviour).
 */
const RPMVERCMP_AT: [string, string, -1 | 0 | 1][] = [
  ['1.0', '1.0', 0],
  ['1.0', '2.0', -1],
  ['2.0', '1.0', 1],
  ['2.0.1', '2.0.1', 0],
  ['2.0', '2.0.1', -1],
  ['2.0.1', '2.0', 1],
  ['2.0.1a', '2.0.1a', 0],
  ['2.0.1a', '2.0.1', 1],
  ['2.0.1', '2.0.1a', -1],
  ['5.5p1', '5.5p1', 0],
  ['5.5p1', '5.5p2', -1],
  ['5.5p2', '5.5p1', 1],
  ['5.5p10', '5.5p10', 0],
  ['5.5p1', '5.5p10', -1],
  ['5.5p10', '5.5p1', 1],
  ['10xyz', '10.1xyz', -1],
  ['10.1xyz', '10xyz', 1],
  ['xyz10', 'xyz10', 0],
  ['xyz10', 'xyz10.1', -1],
  ['xyz10.1', 'xyz10', 1],
  ['xyz.4', 'xyz.4', 0],
  ['xyz.4', '8', -1],
  ['8', 'xyz.4', 1],
  ['xyz.4', '2', -1],
  ['2', 'xyz.4', 1],
  ['5.5p2', '5.6p1', -1],
  ['5.6p1', '5.5p2', 1],
  ['5.6p1', '6.5p1', -1],
  ['6.5p1', '5.6p1', 1],
  ['6.0.rc1', '6.0', 1],
  ['6.0', '6.0.rc1', -1],
  ['10b2', '10a1', 1],
  ['10a2', '10b2', -1],
  ['1.0aa', '1.0aa', 0],
  ['1.0a', '1.0aa', -1],
  ['1.0aa', '1.0a', 1],
  ['10.0001', '10.0001', 0],
  ['10.0001', '10.1', 0],
  ['10.1', '10.0001', 0],
  ['10.0001', '10.0039', -1],
  ['10.0039', '10.0001', 1],
  ['4.999.9', '5.0', -1],
  ['5.0', '4.999.9', 1],
  ['20101121', '20101121', 0],
  ['20101121', '20101122', -1],
  ['20101122', '20101121', 1],
  ['2_0', '2_0', 0],
  ['2.0', '2_0', 0],
  ['2_0', '2.0', 0],
  // RhBug:178798
  ['a', 'a', 0],
  ['a+', 'a+', 0],
  ['a+', 'a_', 0],
  ['a_', 'a+', 0],
  ['+a', '+a', 0],
  ['+a', '_a', 0],
  ['_a', '+a', 0],
  ['+_', '+_', 0],
  ['_+', '+_', 0],
  ['_+', '_+', 0],
  ['+', '_', 0],
  ['_', '+', 0],
  // tilde
  ['1.0~rc1', '1.0~rc1', 0],
  ['1.0~rc1', '1.0', -1],
  ['1.0', '1.0~rc1', 1],
  ['1.0~rc1', '1.0~rc2', -1],
  ['1.0~rc2', '1.0~rc1', 1],
  ['1.0~rc1~git123', '1.0~rc1~git123', 0],
  ['1.0~rc1~git123', '1.0~rc1', -1],
  ['1.0~rc1', '1.0~rc1~git123', 1],
  // caret
  ['1.0^', '1.0^', 0],
  ['1.0^', '1.0', 1],
  ['1.0', '1.0^', -1],
  ['1.0^git1', '1.0^git1', 0],
  ['1.0^git1', '1.0', 1],
  ['1.0', '1.0^git1', -1],
  ['1.0^git1', '1.0^git2', -1],
  ['1.0^git2', '1.0^git1', 1],
  ['1.0^git1', '1.01', -1],
  ['1.01', '1.0^git1', 1],
  ['1.0^20160101', '1.0^20160101', 0],
  ['1.0^20160101', '1.0.1', -1],
  ['1.0.1', '1.0^20160101', 1],
  ['1.0^20160101^git1', '1.0^20160101^git1', 0],
  ['1.0^20160102', '1.0^20160101^git1', 1],
  ['1.0^20160101^git1', '1.0^20160102', -1],
  // tilde and caret
  ['1.0~rc1^git1', '1.0~rc1^git1', 0],
  ['1.0~rc1^git1', '1.0~rc1', 1],
  ['1.0~rc1', '1.0~rc1^git1', -1],
  ['1.0^git1~pre', '1.0^git1~pre', 0],
  ['1.0^git1', '1.0^git1~pre', 1],
  ['1.0^git1~pre', '1.0^git1', -1],
  // oddities (RhBug:811992), kept for reference in rpmvercmp.at
  ['1b.fc17', '1b.fc17', 0],
  ['1b.fc17', '1.fc17', -1],
  ['1.fc17', '1b.fc17', 1],
  ['1g.fc17', '1g.fc17', 0],
  ['1g.fc17', '1.fc17', 1],
  ['1.fc17', '1g.fc17', -1],
  // non-ASCII characters are separators, so these compare equal
  ['1.1.α', '1.1.β', 0],
  ['1.1.αα', '1.1.α', 0],
  ['1.1.ββ', '1.1.αα', 0],
];

/** EVR strings as our collector stores them (`%{EPOCHNUM}:%{VERSION}-%{RELEASE}`) and as operators type them. */
const EVRS = [
  '0:3.0.7-27.el9',
  '0:3.0.7-28.el9',
  '1:3.0.7-16.el9_2',
  '3.0.7',
  '3.0.13',
  '0:3.0.13-1.el9',
  '3.0.7-27.el9',
  '1:3.0.7',
  '0:1.2.3~rc1-1',
  '0:1.2.3-1',
  '0:1.2.3^git5-1',
  '2.36-9',
  '2.36-10',
  '2.36',
  '0:2.36-9.fc38',
  '10:1.0',
  '9:1.0',
];

describe('rpm version order', () => {
  it.each(RPMVERCMP_AT)('rpmvercmp(%s, %s) = %i (rpm tests/rpmvercmp.at)', (a, b, expected) => {
    expect(rpmvercmp(a, b)).toBe(expected);
  });

  it('orders epoch:version-release as rpm itself does (rpm.vercmp of the installed rpm)', () => {
    const pairs = EVRS.flatMap((a) => EVRS.map((b) => [a, b] as const));
    // One rpm process for every pair (rpm's Lua print adds no newline); the strings hold no quote.
    const lua = pairs.map(([a, b]) => `print(rpm.vercmp("${a}", "${b}") .. " ")`).join(' ');
    const run = spawnSync('rpm', ['--eval', `%{lua: ${lua}}`], { encoding: 'utf8' });
    expect(run.error, 'the rpm command (Debian package rpm) is needed').toBeUndefined();
    const theirs = run.stdout.trim().split(/\s+/).map(Number);
    expect(theirs).toHaveLength(pairs.length);
    const ours = pairs.map(([a, b]) => Math.sign(compareRpmVersions(a, b)));
    expect(pairs.map((p, i) => [...p, ours[i]])).toEqual(pairs.map((p, i) => [...p, theirs[i]]));
  });

  it('takes a missing epoch as 0 and sorts a missing release before any release', () => {
    expect(compareRpmVersions('3.0.7', '0:3.0.7')).toBe(0);
    expect(compareRpmVersions('3.0.7', '0:3.0.7-27.el9')).toBeLessThan(0);
    expect(compareRpmVersions('1:0.1-1', '9.9-9')).toBeGreaterThan(0);
    expect(compareRpmVersions('0:3.0.7-27.el9', '3.0.13')).toBeLessThan(0);
  });
});

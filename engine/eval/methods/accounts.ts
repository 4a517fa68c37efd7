import { z } from 'zod';
import { fileKey } from '../../facts/keys.ts';
import {
  hasPassword,
  isLocked,
  NOLOGIN_SHELLS,
  parseGroup,
  parsePasswd,
  parseShadow,
  type PasswdEntry,
  type ShadowEntry,
} from '../../parsers/accounts.ts';
import { loginDefs } from '../../parsers/keyvalue.ts';
import type { Evidence } from '../../types.ts';
import { defineMethod } from '../method.ts';
import { outcome } from '../outcome.ts';
import { comparatorShape, Name } from '../params.ts';
import type { FactReader } from '../reader.ts';
import { capList, checkComparator, judge } from './common.ts';

const PASSWD = '/etc/passwd';
const GROUP = '/etc/group';

function fileText(read: FactReader, path: string): string {
  const f = read.file(path);
  return f.exists ? f.text : '';
}

const FIELDS = {
  max_days: (s: ShadowEntry) => s.maxDays,
  min_days: (s: ShadowEntry) => s.minDays,
  warn_days: (s: ShadowEntry) => s.warnDays,
  inactive: (s: ShadowEntry) => s.inactive,
  last_change: (s: ShadowEntry) => s.lastChange,
} as const;

/**
 * Which /etc/shadow entries a password-age rule covers, by field 2 (redacted on the host, lock prefix kept).
 * `unlocked`: no `!`/`*` prefix, an empty field (no password at all) included — ComplianceAsCode's
 * `[^!*:]*`. `not_lock_only`: every account but those whose field is nothing but lock markers (`!`, `!!`,
 * `*`, `!*`), so a locked hash (`!$6$…`) counts.
 */
const SELECTIONS: Record<'unlocked' | 'not_lock_only' | 'with_password' | 'all', (hash: string) => boolean> =
  {
    unlocked: (h) => !isLocked(h),
    not_lock_only: (h) => h === '' || !/^[!*]+$/.test(h),
    with_password: hasPassword,
    all: () => true,
  };

export const shadowPolicy = defineMethod({
  name: 'shadow_policy',
  params: z.strictObject({
    field: z.enum(['max_days', 'min_days', 'warn_days', 'inactive', 'last_change']),
    ...comparatorShape,
    accounts: z.enum(['unlocked', 'not_lock_only', 'with_password', 'all']).optional(),
  }),
  check: checkComparator,
  facts: () => ['shadow'],
  evaluate(p, { read, now }) {
    const today = Math.floor(now.getTime() / 86_400_000);
    const select = SELECTIONS[p.accounts ?? 'unlocked'];
    const entries = parseShadow(read.text('shadow')).filter((s) => select(s.hash));
    const bad: Evidence[] = [];
    let skipped = 0;
    for (const s of entries) {
      let v: string | null = FIELDS[p.field](s);
      // An unset field counts against an account that has a password; an account without one (empty
      // field 2) has nothing to age, and an unset last change is "never" (chage), not a date.
      if (v === '' && (s.hash === '' || p.field === 'last_change')) {
        skipped++;
        continue;
      }
      if (v === '') v = null;
      else if (p.field === 'last_change') v = String(Number(v) - today);
      const j = judge(
        `${s.name} ${p.field}${p.field === 'last_change' ? ' (days from today)' : ''}`,
        v,
        `/etc/shadow:${s.line}`,
        p,
      );
      if (!j.ok) bad.push(j.evidence);
    }
    const { shown, more } = capList(bad, 10);
    const evidence: Evidence[] = shown;
    if (more > 0)
      evidence.push({
        source: '/etc/shadow',
        observed: `${more} more accounts`,
        expected: `${p.field} compliant`,
      });
    if (bad.length === 0) {
      evidence.push({
        source: '/etc/shadow',
        observed: `${entries.length - skipped} account(s) checked${
          skipped > 0 ? `, ${skipped} without a password or a value to judge` : ''
        }`,
        expected: `every selected account's ${p.field} compliant`,
      });
    }
    return outcome(bad.length === 0, evidence);
  },
});

const ASSERTIONS = [
  'no_uid0_except_root',
  'no_empty_passwords',
  'all_shadowed',
  'no_duplicate_uids',
  'no_duplicate_gids',
  'no_duplicate_usernames',
  'no_duplicate_groupnames',
  'root_gid_0',
  'passwd_groups_exist',
  'system_accounts_nologin',
  'system_accounts_locked',
] as const;
type Assertion = (typeof ASSERTIONS)[number];

const NEEDS: Record<Assertion, string[]> = {
  no_uid0_except_root: [fileKey(PASSWD)],
  no_empty_passwords: ['shadow'],
  all_shadowed: [fileKey(PASSWD)],
  no_duplicate_uids: [fileKey(PASSWD)],
  no_duplicate_gids: [fileKey(GROUP)],
  no_duplicate_usernames: [fileKey(PASSWD)],
  no_duplicate_groupnames: [fileKey(GROUP)],
  root_gid_0: [fileKey(PASSWD)],
  passwd_groups_exist: [fileKey(PASSWD), fileKey(GROUP)],
  system_accounts_nologin: [fileKey(PASSWD), fileKey('/etc/login.defs')],
  system_accounts_locked: [fileKey(PASSWD), 'shadow', fileKey('/etc/login.defs')],
};

function duplicates<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const i of items) m.set(key(i), [...(m.get(key(i)) ?? []), i]);
  return new Map([...m].filter(([, v]) => v.length > 1));
}

const EXEMPT_SYSTEM = new Set(['root', 'sync', 'shutdown', 'halt']);

function systemAccounts(read: FactReader, exempt: ReadonlySet<string>): PasswdEntry[] {
  const defs = fileText(read, '/etc/login.defs');
  const uidMin = Number(loginDefs(defs, 'UID_MIN')?.value ?? 1000);
  return parsePasswd(fileText(read, PASSWD)).filter(
    (e) => !EXEMPT_SYSTEM.has(e.name) && !exempt.has(e.name) && (e.uid < uidMin || e.uid === 65534),
  );
}

/** Offending items of an assertion as evidence rows (source, observed). */
function offenders(
  a: Assertion,
  read: FactReader,
  exempt: ReadonlySet<string>,
): { source: string; observed: string }[] {
  const passwd = (): PasswdEntry[] => parsePasswd(fileText(read, PASSWD)).filter((e) => !exempt.has(e.name));
  const groups = () => parseGroup(fileText(read, GROUP)).filter((g) => !exempt.has(g.name));
  const row = (file: string, line: number, observed: string) => ({ source: `${file}:${line}`, observed });
  switch (a) {
    case 'no_uid0_except_root':
      return passwd()
        .filter((e) => e.uid === 0 && e.name !== 'root')
        .map((e) => row(PASSWD, e.line, `${e.name} uid 0`));
    case 'no_empty_passwords':
      return parseShadow(read.text('shadow'))
        .filter((s) => s.hash === '' && !exempt.has(s.name))
        .map((s) => row('/etc/shadow', s.line, `${s.name} has an empty password`));
    case 'all_shadowed':
      return passwd()
        .filter((e) => e.password !== 'x')
        .map((e) => row(PASSWD, e.line, `${e.name} password field "${e.password === '' ? '' : '…'}"`));
    case 'no_duplicate_uids':
      return [...duplicates(passwd(), (e) => String(e.uid))].map(([uid, es]) =>
        row(PASSWD, es[0]?.line ?? 0, `uid ${uid}: ${es.map((e) => e.name).join(', ')}`),
      );
    case 'no_duplicate_usernames':
      return [...duplicates(passwd(), (e) => e.name)].map(([n, es]) =>
        row(PASSWD, es[1]?.line ?? 0, `user ${n} ×${es.length}`),
      );
    case 'no_duplicate_gids':
      return [...duplicates(groups(), (g) => String(g.gid))].map(([gid, gs]) =>
        row(GROUP, gs[0]?.line ?? 0, `gid ${gid}: ${gs.map((g) => g.name).join(', ')}`),
      );
    case 'no_duplicate_groupnames':
      return [...duplicates(groups(), (g) => g.name)].map(([n, gs]) =>
        row(GROUP, gs[1]?.line ?? 0, `group ${n} ×${gs.length}`),
      );
    case 'root_gid_0':
      return passwd()
        .filter((e) => e.name === 'root' && e.gid !== 0)
        .map((e) => row(PASSWD, e.line, `root gid ${e.gid}`));
    case 'passwd_groups_exist': {
      const gids = new Set(parseGroup(fileText(read, GROUP)).map((g) => g.gid));
      return passwd()
        .filter((e) => !gids.has(e.gid))
        .map((e) => row(PASSWD, e.line, `${e.name} gid ${e.gid} not in /etc/group`));
    }
    case 'system_accounts_nologin':
      return systemAccounts(read, exempt)
        .filter((e) => !NOLOGIN_SHELLS.has(e.shell))
        .map((e) => row(PASSWD, e.line, `${e.name} (uid ${e.uid}) shell ${e.shell}`));
    case 'system_accounts_locked': {
      const shadow = new Map(parseShadow(read.text('shadow')).map((s) => [s.name, s]));
      return systemAccounts(read, exempt)
        .filter((e) => {
          const s = shadow.get(e.name);
          return s !== undefined && !isLocked(s.hash);
        })
        .map((e) => row('/etc/shadow', shadow.get(e.name)?.line ?? 0, `${e.name} (uid ${e.uid}) not locked`));
    }
  }
}

export const accounts = defineMethod({
  name: 'accounts',
  params: z.strictObject({ assert: z.enum(ASSERTIONS), exempt: z.array(Name).optional() }),
  facts: (p) => NEEDS[p.assert],
  evaluate(p, { read }) {
    const bad = offenders(p.assert, read, new Set(p.exempt ?? []));
    const expected = p.assert.replace(/_/g, ' ');
    if (bad.length === 0)
      return outcome(true, [
        { source: NEEDS[p.assert].join(', '), observed: 'no offending entries', expected },
      ]);
    const { shown, more } = capList(bad, 10);
    const evidence: Evidence[] = shown.map((b) => ({ ...b, expected }));
    if (more > 0) evidence.push({ source: NEEDS[p.assert].join(', '), observed: `${more} more`, expected });
    return outcome(false, evidence);
  },
});

export const groupMembers = defineMethod({
  name: 'group_members',
  params: z.strictObject({
    group: Name,
    allowed: z.array(Name).optional(),
    must_exist: z.boolean().optional(),
  }),
  facts: () => [fileKey(GROUP), fileKey(PASSWD)],
  evaluate(p, { read }) {
    const allowed = new Set(p.allowed ?? []);
    const g = parseGroup(fileText(read, GROUP)).find((x) => x.name === p.group);
    const expected = `${p.must_exist ? `${p.group} exists, ` : ''}members of ${p.group} ⊆ [${[...allowed].join(', ')}]`;
    if (!g)
      return outcome(!p.must_exist, [
        { source: GROUP, observed: null, expected, note: `group ${p.group} does not exist` },
      ]);
    const primary = parsePasswd(fileText(read, PASSWD))
      .filter((e) => e.gid === g.gid)
      .map((e) => e.name);
    const members = [...new Set([...g.members, ...primary])];
    const bad = members.filter((m) => !allowed.has(m));
    return outcome(bad.length === 0, [
      {
        source: `${GROUP}:${g.line}`,
        observed: members.length > 0 ? members.join(',') : '(no members)',
        expected,
        ...(primary.length > 0 ? { note: `primary group of: ${primary.join(', ')}` } : {}),
      },
    ]);
  },
});

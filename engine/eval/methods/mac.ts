import { z } from 'zod';
import { fileKey } from '../../facts/keys.ts';
import { parseKeyValues } from '../../parsers/keyvalue.ts';
import type { Evidence } from '../../types.ts';
import { defineMethod } from '../method.ts';
import { outcome } from '../outcome.ts';

const SELINUX_CONFIG = '/etc/selinux/config';
const ENFORCE = '/sys/fs/selinux/enforce';
const AA_ENABLED = '/sys/module/apparmor/parameters/enabled';
const AA_PROFILES = '/sys/kernel/security/apparmor/profiles';

export const selinuxState = defineMethod({
  name: 'selinux_state',
  params: z.strictObject({
    mode: z.enum(['enforcing', 'permissive']),
    source: z.enum(['config', 'runtime', 'both']).optional(),
    policy: z
      .string()
      .regex(/^[a-z0-9_-]+$/)
      .optional(),
  }),
  facts: (p) => {
    const s = p.source ?? 'both';
    return [
      ...(s !== 'runtime' ? [fileKey(SELINUX_CONFIG)] : []),
      ...(s !== 'config' ? [fileKey(ENFORCE)] : []),
    ];
  },
  evaluate(p, { read }) {
    const s = p.source ?? 'both';
    const accept = p.mode === 'enforcing' ? ['enforcing'] : ['enforcing', 'permissive'];
    const evidence: Evidence[] = [];
    let ok = true;
    if (s !== 'runtime') {
      const f = read.file(SELINUX_CONFIG);
      const kvs = f.exists
        ? parseKeyValues(SELINUX_CONFIG, f.text, { separator: '=', commentChars: '#', ignoreCaseKey: false })
        : [];
      const mode = kvs.filter((k) => k.key === 'SELINUX').pop();
      const good = mode !== undefined && accept.includes(mode.value.toLowerCase());
      ok &&= good;
      evidence.push({
        source: mode ? `${SELINUX_CONFIG}:${mode.line}` : SELINUX_CONFIG,
        observed: mode?.value ?? null,
        expected: `SELINUX=${accept.join(' or ')}`,
      });
      if (p.policy) {
        const type = kvs.filter((k) => k.key === 'SELINUXTYPE').pop();
        ok &&= type?.value === p.policy;
        evidence.push({
          source: type ? `${SELINUX_CONFIG}:${type.line}` : SELINUX_CONFIG,
          observed: type?.value ?? null,
          expected: `SELINUXTYPE=${p.policy}`,
        });
      }
    }
    if (s !== 'config') {
      const f = read.file(ENFORCE);
      const v = f.exists ? f.text.trim() : null;
      const runtime = v === '1' ? 'enforcing' : v === '0' ? 'permissive' : null;
      ok &&= runtime !== null && accept.includes(runtime);
      evidence.push({
        source: ENFORCE,
        observed: runtime ?? (f.exists ? v : 'SELinux disabled'),
        expected: accept.join(' or '),
      });
    }
    return outcome(ok, evidence);
  },
});

export const apparmorState = defineMethod({
  name: 'apparmor_state',
  params: z.strictObject({ mode: z.enum(['enabled', 'complain_or_enforce', 'enforce']) }),
  facts: (p) => [fileKey(AA_ENABLED), ...(p.mode !== 'enabled' ? [fileKey(AA_PROFILES)] : [])],
  evaluate(p, { read }) {
    const en = read.file(AA_ENABLED);
    const enabled = en.exists && en.text.trim() === 'Y';
    const evidence: Evidence[] = [
      { source: AA_ENABLED, observed: en.exists ? en.text.trim() : null, expected: 'Y' },
    ];
    if (!enabled || p.mode === 'enabled') return outcome(enabled, evidence);
    const pf = read.file(AA_PROFILES);
    const profiles = (pf.exists ? pf.text : '')
      .split('\n')
      .map((l) => /^(.*) \((\w+)\)$/.exec(l.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ name: m[1] ?? '', mode: m[2] ?? '' }));
    const accept = p.mode === 'enforce' ? ['enforce'] : ['enforce', 'complain'];
    const bad = profiles.filter((x) => !accept.includes(x.mode));
    const counts = accept.map((a) => `${profiles.filter((x) => x.mode === a).length} ${a}`).join(', ');
    evidence.push({
      source: AA_PROFILES,
      observed:
        bad.length > 0
          ? bad
              .slice(0, 10)
              .map((b) => `${b.name} (${b.mode})`)
              .join(', ')
          : `${profiles.length} profiles: ${counts}`,
      expected: `at least one profile, every profile in ${accept.join(' or ')} mode`,
    });
    return outcome(profiles.length > 0 && bad.length === 0, evidence);
  },
});

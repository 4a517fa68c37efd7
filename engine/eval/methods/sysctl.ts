import { z } from 'zod';
import { sysctlKey } from '../../facts/keys.ts';
import { RC_ABSENT } from '../../facts/store.ts';
import {
  lookupSysctl,
  normalizeSysctlKey,
  normalizeSysctlValue,
  sysctlConfiguration,
  SYSCTL_CONF,
} from '../../parsers/sysctl.ts';
import type { Evidence } from '../../types.ts';
import { defineMethod } from '../method.ts';
import { outcome } from '../outcome.ts';
import { comparatorShape } from '../params.ts';
import { FactUnavailable } from '../reader.ts';
import { bundleMap, checkComparator, judge } from './common.ts';

// Evidence note for /etc/sysctl.conf read without the 99-sysctl.conf link.
const UNLINKED =
  "no 99-sysctl.conf link: systemd-sysctl does not apply it at boot, procps' sysctl --system (CIS's remediation) loads it last";

const params = z.strictObject({
  key: z.string().regex(/^[a-z0-9_]+(\.[A-Za-z0-9_-]+)+$/, 'must be a sysctl key like net.ipv4.ip_forward'),
  ...comparatorShape,
  runtime: z.boolean().optional(),
  persistent: z.boolean().optional(),
});

export const sysctl = defineMethod({
  name: 'sysctl',
  params,
  check(p) {
    if (p.runtime === false && p.persistent === false) return 'runtime and persistent cannot both be false';
    return checkComparator(p);
  },
  facts(p) {
    const keys: string[] = [];
    if (p.runtime !== false) keys.push(sysctlKey(p.key));
    if (p.persistent !== false) keys.push('sysctl_d');
    return keys;
  },
  evaluate(p, { read }) {
    const evidence: Evidence[] = [];
    let ok = true;
    if (p.runtime !== false) {
      const key = sysctlKey(p.key);
      const f = read.raw(key);
      if (f.rc !== 0 && f.rc !== RC_ABSENT) throw new FactUnavailable(key, 'not readable');
      const observed = f.rc === RC_ABSENT ? null : normalizeSysctlValue(f.text);
      const j = judge(p.key, observed, `/proc/sys/${p.key.replace(/\./g, '/')}`, p);
      if (f.rc === RC_ABSENT) j.evidence.note = 'the running kernel does not have this parameter';
      ok &&= j.ok;
      evidence.push(j.evidence);
    }
    if (p.persistent !== false) {
      const config = read.derived('sysctl_d', 'sysctl', (f) => sysctlConfiguration(bundleMap(f)));
      const conf = lookupSysctl(config, p.key);
      const eff = conf.effective;
      const j = judge(
        `configured ${p.key}`,
        eff?.value ?? null,
        eff ? `${eff.file}:${eff.line}` : 'sysctl.d',
        p,
      );
      const others = conf.all
        .filter((a) => a !== eff)
        .map((a) => `${a.file}:${a.line} (${a.key} = ${a.value})`);
      if (conf.excludedBy) {
        j.evidence.source = `${conf.excludedBy.file}:${conf.excludedBy.line}`;
        j.evidence.note = `-${conf.excludedBy.key} excludes the key from glob assignments${
          others.length > 0 ? `: ${others.join(', ')} do not apply` : ''
        }`;
      } else if (!eff) j.evidence.note = 'not set in any sysctl.d file or /etc/sysctl.conf';
      else if (eff.file === SYSCTL_CONF) j.evidence.note = UNLINKED;
      else if (others.length > 0) j.evidence.note = `overrides ${others.join(', ')}`;
      ok &&= j.ok;
      evidence.push(j.evidence);
      // CIS's audit reports a wrong value in any file, even one a later file overrides: it is one rename
      // or package update away from being what the kernel gets.
      const want = normalizeSysctlKey(p.key);
      for (const a of config) {
        if (a === eff || a.exclude || a.key !== want) continue;
        const other = judge(`${p.key} in every file`, a.value, `${a.file}:${a.line}`, p);
        other.evidence.note =
          a.file === SYSCTL_CONF
            ? UNLINKED
            : 'also set here; a wrong value in any file fails, even one a later file overrides';
        ok &&= other.ok;
        evidence.push(other.evidence);
      }
    }
    return outcome(ok, evidence);
  },
});

import { z } from 'zod';
import { serviceKey } from '../../facts/keys.ts';
import { ENABLED_STATES, formatUnit, parseUnit, type UnitState } from '../../parsers/systemd.ts';
import { offlineUnitState, parseUnitFiles } from '../../parsers/unit-files.ts';
import type { Evidence } from '../../types.ts';
import { defineMethod, type LeafContext } from '../method.ts';
import { notAssessable, outcome } from '../outcome.ts';
import { UnitName } from '../params.ts';
import { FactUnavailable } from '../reader.ts';

const ACTIVE = new Set(['active', 'activating', 'reloading']);

interface Observed {
  state: UnitState;
  source: string;
  /** Set when judged from unit files because systemd is not running. */
  offline?: { note: string };
}

/**
 * The unit's state from `systemctl show`; when systemd is not PID 1 (no `systemd` capability) and
 * systemctl cannot answer, from the unit files and enablement links on disk.
 */
function observe(name: string, { read, caps }: LeafContext): Observed {
  const key = serviceKey(name);
  const raw = read.raw(key);
  if (raw.rc === 0) return { state: parseUnit(raw.text), source: `systemctl show ${name}` };
  if (caps.has('systemd')) throw new FactUnavailable(key, `systemctl exited ${raw.rc ?? 'on a signal'}`);
  const entries = read.parsed('unit_files', 'units', parseUnitFiles);
  const off = offlineUnitState(entries, name);
  return {
    state: off.state,
    source: off.seen.length > 0 ? off.seen.join(', ') : `${name} in no unit directory`,
    offline: { note: 'systemd is not running; judged from the unit files and enablement links on disk' },
  };
}

function evidence(o: Observed, expected: string): Evidence[] {
  const e: Evidence = { source: o.source, observed: formatUnit(o.state), expected };
  if (o.offline) e.note = o.offline.note;
  return [e];
}

const facts = (p: { unit: string }): string[] => [serviceKey(p.unit), 'unit_files'];

export const serviceEnabled = defineMethod({
  name: 'service_enabled',
  params: z.strictObject({ unit: UnitName }),
  facts,
  evaluate(p, ctx) {
    const o = observe(p.unit, ctx);
    return outcome(ENABLED_STATES.has(o.state.UnitFileState), evidence(o, `${p.unit} enabled`));
  },
});

export const serviceDisabled = defineMethod({
  name: 'service_disabled',
  params: z.strictObject({ unit: UnitName, require_masked: z.boolean().optional() }),
  facts,
  evaluate(p, ctx) {
    const o = observe(p.unit, ctx);
    const u = o.state;
    const notFound = u.LoadState === 'not-found';
    const masked = u.LoadState === 'masked' || u.UnitFileState.startsWith('masked');
    const ok = p.require_masked
      ? notFound || masked
      : notFound || masked || (!ENABLED_STATES.has(u.UnitFileState) && !ACTIVE.has(u.ActiveState));
    const expected = p.require_masked
      ? `${p.unit} masked or not installed`
      : `${p.unit} not enabled and not running`;
    return outcome(ok, evidence(o, expected));
  },
});

export const serviceActive = defineMethod({
  name: 'service_active',
  params: z.strictObject({ unit: UnitName }),
  facts,
  evaluate(p, ctx) {
    const o = observe(p.unit, ctx);
    const expected = `${p.unit} active`;
    // Unit files say what would start at boot, not what runs now: no pass or fail from them.
    if (o.offline)
      return notAssessable(
        'systemd is not running; whether the unit is active cannot be judged',
        evidence(o, expected),
      );
    return outcome(o.state.ActiveState === 'active', evidence(o, expected));
  },
});

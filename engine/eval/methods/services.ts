import { z } from 'zod';
import { serviceKey } from '../../facts/keys.ts';
import { ENABLED_STATES, formatUnit, parseUnit, type UnitState } from '../../parsers/systemd.ts';
import { defineMethod } from '../method.ts';
import { outcome } from '../outcome.ts';
import { UnitName } from '../params.ts';
import type { FactReader } from '../reader.ts';

const ACTIVE = new Set(['active', 'activating', 'reloading']);

function unit(read: FactReader, name: string): UnitState {
  return parseUnit(read.text(serviceKey(name)));
}

const source = (u: string): string => `systemctl show ${u}`;

export const serviceEnabled = defineMethod({
  name: 'service_enabled',
  params: z.strictObject({ unit: UnitName }),
  facts: (p) => [serviceKey(p.unit)],
  evaluate(p, { read }) {
    const u = unit(read, p.unit);
    return outcome(ENABLED_STATES.has(u.UnitFileState), [
      { source: source(p.unit), observed: formatUnit(u), expected: `${p.unit} enabled` },
    ]);
  },
});

export const serviceDisabled = defineMethod({
  name: 'service_disabled',
  params: z.strictObject({ unit: UnitName, require_masked: z.boolean().optional() }),
  facts: (p) => [serviceKey(p.unit)],
  evaluate(p, { read }) {
    const u = unit(read, p.unit);
    const notFound = u.LoadState === 'not-found';
    const masked = u.LoadState === 'masked' || u.UnitFileState.startsWith('masked');
    const ok = p.require_masked
      ? notFound || masked
      : notFound || masked || (!ENABLED_STATES.has(u.UnitFileState) && !ACTIVE.has(u.ActiveState));
    const expected = p.require_masked
      ? `${p.unit} masked or not installed`
      : `${p.unit} not enabled and not running`;
    return outcome(ok, [{ source: source(p.unit), observed: formatUnit(u), expected }]);
  },
});

export const serviceActive = defineMethod({
  name: 'service_active',
  params: z.strictObject({ unit: UnitName }),
  facts: (p) => [serviceKey(p.unit)],
  evaluate(p, { read }) {
    const u = unit(read, p.unit);
    return outcome(u.ActiveState === 'active', [
      { source: source(p.unit), observed: formatUnit(u), expected: `${p.unit} active` },
    ]);
  },
});

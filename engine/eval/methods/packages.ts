import { z } from 'zod';
import { parsePackages } from '../../parsers/packages.ts';
import { defineMethod } from '../method.ts';
import { outcome } from '../outcome.ts';
import { PackageName } from '../params.ts';
import type { FactReader } from '../reader.ts';
import type { Evidence } from '../../types.ts';

const params = z.strictObject({ name: PackageName });

function lookup(
  read: FactReader,
  name: string,
): { installed: boolean; evidence: Omit<Evidence, 'expected'> } {
  const entries = read.parsed('packages', 'packages', parsePackages).get(name) ?? [];
  const hit = entries.find((e) => e.installed);
  const shown = hit ?? entries[0];
  return {
    installed: hit !== undefined,
    evidence: {
      source: 'package database',
      observed: shown ? `${shown.name} ${shown.version} ${shown.arch} (${shown.status})` : null,
      ...(shown && !hit ? { note: `status ${shown.status}: not installed` } : {}),
    },
  };
}

/** Whether a package is installed, for depends_on; throws FactUnavailable like the methods. */
export function packageInstalled(read: FactReader, name: string): boolean {
  return lookup(read, name).installed;
}

export const packageInstalledMethod = defineMethod({
  name: 'package_installed',
  params,
  facts: () => ['packages'],
  evaluate(p, { read }) {
    const r = lookup(read, p.name);
    return outcome(r.installed, [{ ...r.evidence, expected: `${p.name} installed` }]);
  },
});

export const packageAbsentMethod = defineMethod({
  name: 'package_absent',
  params,
  facts: () => ['packages'],
  evaluate(p, { read }) {
    const r = lookup(read, p.name);
    return outcome(!r.installed, [{ ...r.evidence, expected: `${p.name} not installed` }]);
  },
});

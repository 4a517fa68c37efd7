import { z } from 'zod';
import { fileKey } from '../../facts/keys.ts';
import {
  availableModules,
  loadedModules,
  moduleConfig,
  MODPROBE_DIRS,
  normalizeModule,
  parseModprobe,
} from '../../parsers/modprobe.ts';
import type { Evidence } from '../../types.ts';
import { defineMethod } from '../method.ts';
import { outcome } from '../outcome.ts';
import { bundleMap } from './common.ts';

const SEARCHED = MODPROBE_DIRS.map((d) => `${d}/*.conf`).join(', ');

export const kernelModuleDisabled = defineMethod({
  name: 'kernel_module_disabled',
  params: z.strictObject({
    module: z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be a kernel module name'),
    require_install: z.boolean().optional(),
    // true/false, or the families on which the benchmark also wants `blacklist <module>` (CaC: Ubuntu, RHEL)
    require_blacklist: z
      .union([z.boolean(), z.array(z.enum(['debian', 'ubuntu', 'rhel'])).min(1)])
      .optional(),
    require_not_loaded: z.boolean().optional(),
    pass_if_unavailable: z.boolean().optional(),
  }),
  facts: (p) => [
    'modprobe_d',
    ...(p.require_not_loaded !== false ? [fileKey('/proc/modules')] : []),
    ...(p.pass_if_unavailable ? ['modules_available'] : []),
  ],
  evaluate(p, { read, platform }) {
    const mod = normalizeModule(p.module);
    const rb = p.require_blacklist;
    const needBlacklist =
      rb === undefined || (Array.isArray(rb) ? rb.some((f) => f === platform.family) : rb);
    if (p.pass_if_unavailable) {
      const avail = availableModules(read.text('modules_available'));
      if (!avail.has(mod)) {
        return outcome(true, [
          {
            source: 'modules.dep, modules.builtin',
            observed: null,
            expected: `${mod} unavailable or disabled`,
            note: 'module not available to the running kernel',
          },
        ]);
      }
    }
    const cfg = moduleConfig(
      read.derived('modprobe_d', 'modprobe', (f) => parseModprobe(bundleMap(f))),
      mod,
    );
    const evidence: Evidence[] = [];
    let ok = true;
    if (p.require_install !== false) {
      ok &&= cfg.installDisables;
      evidence.push({
        source: cfg.install ? `${cfg.install.file}:${cfg.install.line}` : SEARCHED,
        observed: cfg.install ? `install ${cfg.install.module} ${cfg.install.rest}` : null,
        expected: `install ${mod} /bin/false (or /bin/true), the first install line for ${mod} in modprobe's order`,
      });
    }
    if (needBlacklist) {
      ok &&= cfg.blacklist !== undefined;
      evidence.push({
        source: cfg.blacklist ? `${cfg.blacklist.file}:${cfg.blacklist.line}` : SEARCHED,
        observed: cfg.blacklist ? `blacklist ${cfg.blacklist.module}` : null,
        expected: `blacklist ${mod}`,
      });
    }
    if (p.require_not_loaded !== false) {
      const f = read.file('/proc/modules');
      const loaded = f.exists && loadedModules(f.text).has(mod);
      ok &&= !loaded;
      evidence.push({
        source: '/proc/modules',
        observed: loaded ? `${mod} loaded` : null,
        expected: `${mod} not loaded`,
      });
    }
    return outcome(ok, evidence);
  },
});

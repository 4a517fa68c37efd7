import { z } from 'zod';
import { fileKey, filesKey } from '../../facts/keys.ts';
import { orderDropIns } from '../../parsers/dropins.ts';
import { parseKeyValues } from '../../parsers/keyvalue.ts';
import type { Evidence } from '../../types.ts';
import { compare, describeComparator } from '../compare.ts';
import { defineMethod } from '../method.ts';
import { outcome } from '../outcome.ts';
import { comparatorShape } from '../params.ts';
import { capList, checkComparator } from './common.ts';

/** systemd's configuration directories, highest precedence first (systemd.syntax(7), "drop-ins"). */
const SYSTEMD_DIRS = ['/etc/systemd', '/run/systemd', '/usr/local/lib/systemd', '/usr/lib/systemd'];

export const systemdConf = defineMethod({
  name: 'systemd_conf',
  params: z.strictObject({
    file: z
      .string()
      .regex(/^[a-z][a-z0-9-]*\.conf$/, 'must be a systemd configuration file name like coredump.conf'),
    section: z.string().regex(/^[A-Za-z]+$/),
    key: z.string().regex(/^[A-Za-z]+$/),
    ...comparatorShape,
  }),
  check: checkComparator,
  facts: (p) => [
    fileKey(`/etc/systemd/${p.file}`),
    ...SYSTEMD_DIRS.map((d) => filesKey(`${d}/${p.file}.d/*.conf`)),
  ],
  evaluate(p, { read }) {
    // systemd 252 (Debian 12) reads the main file from /etc/systemd only, then the drop-ins of every
    // directory, one per name.
    const f = read.file(`/etc/systemd/${p.file}`);
    const main = f.exists ? f : undefined;
    const bundles = SYSTEMD_DIRS.flatMap((d) => read.bundle(filesKey(`${d}/${p.file}.d/*.conf`)));
    const texts = new Map(bundles.map((f) => [f.path, f.text]));
    const order = orderDropIns(
      [...texts.keys()],
      SYSTEMD_DIRS.map((d) => `${d}/${p.file}.d`),
    );
    const files = [
      ...(main ? [{ path: main.path, text: main.text }] : []),
      ...order.map((path) => ({ path, text: texts.get(path) ?? '' })),
    ];
    const assignments = files
      .flatMap((f) =>
        parseKeyValues(f.path, f.text, {
          separator: '=',
          section: p.section,
          commentChars: '#;',
          keepQuotes: true,
          ignoreCaseKey: false,
        }),
      )
      .filter((kv) => kv.key === p.key);
    const expected = `[${p.section}] ${p.key} ${describeComparator(p.op ?? '==', p.value)}`;
    const effective = assignments[assignments.length - 1];
    if (!effective) {
      const searched = [`/etc/systemd/${p.file}`, ...SYSTEMD_DIRS.map((d) => `${d}/${p.file}.d/*.conf`)].join(
        ', ',
      );
      return outcome(false, [{ source: searched, observed: null, expected, note: 'not set' }]);
    }
    const satisfies = (v: string): boolean =>
      compare(v, p.op ?? '==', p.value, { ignoreCase: p.ignore_case ?? false });
    // Every assignment must be right, not only the one systemd ends up with: ComplianceAsCode and the CIS
    // audit both report a wrong value in any of the files.
    const bad = assignments.filter((kv) => !satisfies(kv.value));
    const { shown } = capList([...new Set([...bad, effective])], 10);
    const evidence: Evidence[] = shown.map((kv) => ({
      source: `${kv.file}:${kv.line}`,
      observed: `${p.key}=${kv.value}`,
      expected,
      note: kv === effective ? 'effective (read last)' : 'overridden, but a wrong value',
    }));
    return outcome(bad.length === 0, evidence);
  },
});

import { z } from 'zod';
import { fileKey } from '../../facts/keys.ts';
import {
  bootloaderLines,
  cmdlineArg,
  cmdlineArgIndex,
  grubDefaultArgs,
  splitCmdline,
  type CmdlineSource,
} from '../../parsers/cmdline.ts';
import type { Evidence } from '../../types.ts';
import { compare, CmpValueSchema, describeComparator, OpSchema } from '../compare.ts';
import { defineMethod } from '../method.ts';
import { outcome } from '../outcome.ts';
import { FactUnavailable } from '../reader.ts';
import { checkComparator } from './common.ts';

export const kernelCmdline = defineMethod({
  name: 'kernel_cmdline',
  params: z.strictObject({
    arg: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'must be a kernel parameter name'),
    op: OpSchema.optional(),
    value: CmpValueSchema.optional(),
    expect: z.enum(['present', 'absent']).optional(),
    source: z.enum(['running', 'bootloader', 'grub_default', 'both']).optional(),
  }),
  check: (p) =>
    p.value !== undefined
      ? checkComparator({ op: p.op, value: p.value })
      : p.op
        ? 'op needs a value'
        : undefined,
  facts(p) {
    const s = p.source ?? 'both';
    return [
      ...(s === 'running' || s === 'both' ? [fileKey('/proc/cmdline')] : []),
      ...(s !== 'running' ? ['bootloader'] : []),
    ];
  },
  evaluate(p, { read }) {
    const s = p.source ?? 'both';
    const lines: CmdlineSource[] = [];
    if (s === 'running' || s === 'both') {
      const f = read.file('/proc/cmdline');
      if (!f.exists) throw new FactUnavailable(fileKey('/proc/cmdline'), 'missing');
      lines.push({ source: '/proc/cmdline', args: splitCmdline(f.text.trim()) });
    }
    if (s !== 'running') {
      const files = read.bundle('bootloader');
      const boot = s === 'grub_default' ? grubDefaultArgs(files) : bootloaderLines(files);
      if (boot.length === 0) {
        throw new FactUnavailable(
          'bootloader',
          s === 'grub_default'
            ? 'neither /etc/default/grub nor /etc/default/grub.d/*.cfg is readable'
            : 'no readable kernel entries in grub.cfg or BLS entries',
        );
      }
      lines.push(...boot);
    }
    const expect = p.expect ?? 'present';
    const expected =
      expect === 'absent'
        ? `${p.arg} absent`
        : p.value !== undefined
          ? `${p.arg} ${describeComparator(p.op ?? '==', p.value)}`
          : `${p.arg} present`;
    let ok = true;
    const evidence: Evidence[] = [];
    for (const l of lines) {
      const v = cmdlineArg(l.args, p.arg);
      const at = l.origins?.[cmdlineArgIndex(l.args, p.arg)];
      let good: boolean;
      if (expect === 'absent') good = v === undefined;
      else if (p.value !== undefined) good = v !== undefined && compare(v, p.op ?? '==', p.value);
      else good = v !== undefined;
      ok &&= good;
      if (!good || evidence.length < 3) {
        evidence.push({
          source: at ?? l.source,
          observed: v === undefined ? null : v === '' ? p.arg : `${p.arg}=${v}`,
          expected,
        });
      }
    }
    return outcome(ok, evidence);
  },
});

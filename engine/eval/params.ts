import { z } from 'zod';
import { globProblem, isGlob } from '../facts/glob.ts';
import { CmpValueSchema, OpSchema } from './compare.ts';

/** An absolute path without glob characters. */
export const AbsPath = z.string().superRefine((s, ctx) => {
  const p = globProblem(s);
  if (p) ctx.addIssue({ code: 'custom', message: p });
  else if (isGlob(s))
    ctx.addIssue({ code: 'custom', message: 'must be a literal path (no glob characters)' });
});

/** An absolute path that may hold `*`, `?` and simple bracket classes. */
export const GlobPath = z.string().superRefine((s, ctx) => {
  const p = globProblem(s);
  if (p) ctx.addIssue({ code: 'custom', message: p });
});

export const UnitName = z
  .string()
  .regex(
    /^[A-Za-z0-9:_.@\\-]+\.(service|socket|timer|mount|path|target)$/,
    'must be a systemd unit name with its suffix, e.g. sshd.service',
  );

export const PackageName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9+._-]*$/, 'must be a package name');

export const Name = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*\$?$/, 'must be a user or group name');

export const Regex = z.string().superRefine((s, ctx) => {
  try {
    new RegExp(s);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: `invalid regex: ${(e as Error).message}` });
  }
});

/** The comparator fields shared by value-comparing methods. */
export const comparatorShape = {
  op: OpSchema.optional(),
  value: CmpValueSchema,
  ignore_case: z.boolean().optional(),
};

export const OctalMode = z.string().regex(/^0?[0-7]{3,4}$/, 'must be an octal mode like "0644"');

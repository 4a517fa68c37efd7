import { z } from 'zod';
import type { Platform } from '../types.ts';
import { FactUnavailable, type FactReader } from './reader.ts';
import { errorOutcome, notAssessable, type Outcome } from './outcome.ts';

/** What a method sees while evaluating. */
export interface LeafContext {
  read: FactReader;
  platform: Platform;
  caps: ReadonlySet<string>;
  now: Date;
}

export interface MethodDef<S extends z.ZodObject> {
  name: string;
  params: S;
  /** Cross-field checks zod cannot express per field; returns a message. */
  check?(p: z.output<S>): string | undefined;
  facts(p: z.output<S>): string[];
  evaluate(p: z.output<S>, ctx: LeafContext): Outcome;
}

/** A leaf whose parameters are final (variables substituted) and valid. */
export interface BoundLeaf {
  method: string;
  facts: string[];
  evaluate(ctx: LeafContext): Outcome;
}

export type BindResult =
  { ok: true; leaf: BoundLeaf } | { ok: false; issues: z.core.$ZodIssue[]; message: string };

/** A method with its types erased, as the registry and the loader see it. */
export interface Method {
  readonly name: string;
  readonly params: z.ZodObject;
  check(params: unknown): string | undefined;
  bind(params: Record<string, unknown>): BindResult;
}

export const VarRefSchema = z.strictObject({ var: z.string().regex(/^[a-z][a-z0-9_]*$/) });
export type VarRef = z.infer<typeof VarRefSchema>;

export function isVarRef(v: unknown): v is VarRef {
  return VarRefSchema.safeParse(v).success;
}

export function defineMethod<S extends z.ZodObject>(def: MethodDef<S>): Method {
  return {
    name: def.name,
    params: def.params,
    check(params) {
      const r = def.params.safeParse(params);
      return r.success ? def.check?.(r.data) : undefined;
    },
    bind(params) {
      const r = def.params.safeParse(params);
      if (!r.success) {
        return { ok: false, issues: r.error.issues, message: z.prettifyError(r.error).replace(/\n/g, '; ') };
      }
      const problem = def.check?.(r.data);
      if (problem !== undefined) return { ok: false, issues: [], message: problem };
      const p = r.data;
      return {
        ok: true,
        leaf: {
          method: def.name,
          facts: def.facts(p),
          evaluate(ctx) {
            try {
              return def.evaluate(p, ctx);
            } catch (e) {
              if (e instanceof FactUnavailable) {
                return notAssessable(`${e.key}: ${e.why}`, [
                  { source: e.key, observed: null, expected: 'fact available', note: e.why },
                ]);
              }
              return errorOutcome(`${def.name}: ${(e as Error).message}`);
            }
          },
        },
      };
    },
  };
}

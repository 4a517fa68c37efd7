import { z } from 'zod';

export const OPS = [
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'in',
  'not_in',
  'regex',
  'not_regex',
  'mode_at_most',
  'mode_at_least',
  'subset_of',
  'contains_all',
  'contains_none',
] as const;

export type Op = (typeof OPS)[number];
export const OpSchema = z.enum(OPS);

export type Scalar = string | number | boolean;
export type CmpValue = Scalar | (string | number)[];
export const CmpValueSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.union([z.string(), z.number()])),
]);

const NUMERIC = /^-?\d+(\.\d+)?$/;
const OCTAL = /^0?[0-7]{1,4}$/;

export interface CompareOptions {
  ignoreCase?: boolean;
}

/** Checks that a comparator is well-formed; returns a message or undefined. */
export function comparatorProblem(op: Op, value: unknown): string | undefined {
  const isList = Array.isArray(value);
  const listOps: Op[] = ['in', 'not_in', 'subset_of', 'contains_all', 'contains_none'];
  if (listOps.includes(op) && !isList) return `op ${op} needs a list value`;
  if (!listOps.includes(op) && isList) return `op ${op} needs a single value, not a list`;
  if ((op === 'regex' || op === 'not_regex') && typeof value === 'string') {
    try {
      new RegExp(value);
    } catch (e) {
      return `invalid regex: ${(e as Error).message}`;
    }
  }
  if ((op === 'mode_at_most' || op === 'mode_at_least') && !OCTAL.test(String(value))) {
    return `op ${op} needs an octal mode like "0644"`;
  }
  if (['<', '<=', '>', '>='].includes(op) && !NUMERIC.test(String(value))) return `op ${op} needs a number`;
  return undefined;
}

function scalarEq(a: string, b: Scalar, o: CompareOptions): boolean {
  const bs = String(b);
  if (NUMERIC.test(a.trim()) && NUMERIC.test(bs)) return Number(a) === Number(bs);
  return o.ignoreCase ? a.toLowerCase() === bs.toLowerCase() : a === bs;
}

function splitList(s: string): string[] {
  return s.split(/[,\s]+/).filter((x) => x !== '');
}

function inList(item: string, list: readonly (string | number)[], o: CompareOptions): boolean {
  return list.some((x) => scalarEq(item, x, o));
}

/** Evaluates `observed op value`. A null observed value never satisfies a comparator. */
export function compare(observed: string | null, op: Op, value: CmpValue, o: CompareOptions = {}): boolean {
  if (observed === null) return false;
  const list = (Array.isArray(value) ? value : [value]).map(String);
  const single = Array.isArray(value) ? String(value[0] ?? '') : value;
  switch (op) {
    case '==':
      return scalarEq(observed, single, o);
    case '!=':
      return !scalarEq(observed, single, o);
    case '<':
    case '<=':
    case '>':
    case '>=':
      return numeric(observed, op, Number(single));
    case 'in':
      return inList(observed, list, o);
    case 'not_in':
      return !inList(observed, list, o);
    case 'regex':
      return new RegExp(String(single), o.ignoreCase ? 'i' : '').test(observed);
    case 'not_regex':
      return !new RegExp(String(single), o.ignoreCase ? 'i' : '').test(observed);
    case 'mode_at_most':
      return modeAtMost(observed, String(single));
    case 'mode_at_least':
      return modeAtLeast(observed, String(single));
    case 'subset_of':
      return splitList(observed).every((x) => inList(x, list, o));
    case 'contains_all':
      return list.every((x) => splitList(observed).some((y) => scalarEq(y, x, o)));
    case 'contains_none':
      return !splitList(observed).some((y) => inList(y, list, o));
  }
}

function numeric(observed: string, op: '<' | '<=' | '>' | '>=', b: number): boolean {
  const t = observed.trim();
  if (!NUMERIC.test(t)) return false;
  const a = Number(t);
  if (op === '<') return a < b;
  if (op === '<=') return a <= b;
  if (op === '>') return a > b;
  return a >= b;
}

export function parseMode(s: string): number | undefined {
  const t = s.trim();
  return /^[0-7]{1,5}$/.test(t) ? Number.parseInt(t, 8) : undefined;
}

/** Every bit of `observed` (including setuid/setgid/sticky) is allowed by `max`. */
export function modeAtMost(observed: string, max: string): boolean {
  const a = parseMode(observed);
  const b = parseMode(max);
  if (a === undefined || b === undefined) return false;
  return (a & ~b & 0o7777) === 0;
}

export function modeAtLeast(observed: string, min: string): boolean {
  const a = parseMode(observed);
  const b = parseMode(min);
  if (a === undefined || b === undefined) return false;
  return (a & b) === b;
}

/** The comparator in words for evidence: `== no`, `at most 0644`. */
export function describeComparator(op: Op, value: CmpValue): string {
  const v = Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
  switch (op) {
    case 'mode_at_most':
      return `mode at most ${v}`;
    case 'mode_at_least':
      return `mode at least ${v}`;
    case 'regex':
      return `matches /${v}/`;
    case 'not_regex':
      return `does not match /${v}/`;
    default:
      return `${op.replace('_', ' ')} ${v}`;
  }
}

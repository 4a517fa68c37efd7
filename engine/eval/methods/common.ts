import type { Evidence } from '../../types.ts';
import { compare, describeComparator, type CmpValue, type Op } from '../compare.ts';
import { comparatorProblem } from '../compare.ts';
import { isGlob } from '../../facts/glob.ts';
import { fileKey, filesKey } from '../../facts/keys.ts';
import type { FactReader } from '../reader.ts';

export interface Comparator {
  op?: Op | undefined;
  value: CmpValue;
  ignore_case?: boolean | undefined;
}

export function checkComparator(p: Comparator): string | undefined {
  const problem = comparatorProblem(p.op ?? '==', p.value);
  return problem === undefined ? undefined : `value: ${problem}`;
}

/** Compares and builds the evidence line. `fallback` is used (and said) when nothing was observed. */
export function judge(
  subject: string,
  observed: string | null,
  source: string,
  p: Comparator,
  opts: { ignoreCaseDefault?: boolean; fallback?: CmpValue | undefined } = {},
): { ok: boolean; evidence: Evidence } {
  const op = p.op ?? '==';
  const ignoreCase = p.ignore_case ?? opts.ignoreCaseDefault ?? false;
  let value = observed;
  let note: string | undefined;
  if (value === null && opts.fallback !== undefined) {
    value = String(opts.fallback);
    note = `not set; default ${value} assumed`;
  } else if (value === null) note = 'not set';
  const ok = compare(value, op, p.value, { ignoreCase });
  const evidence: Evidence = { source, observed, expected: `${subject} ${describeComparator(op, p.value)}` };
  if (note) evidence.note = note;
  return { ok, evidence };
}

/** The files a path or glob names: one file, or a bundle's files. Missing files are left out. */
export function readContent(read: FactReader, pathOrGlob: string): { path: string; text: string }[] {
  if (isGlob(pathOrGlob)) return read.bundle(filesKey(pathOrGlob));
  const f = read.file(pathOrGlob);
  return f.exists ? [{ path: f.path, text: f.text }] : [];
}

export function contentFacts(pathOrGlob: string): string[] {
  return [isGlob(pathOrGlob) ? filesKey(pathOrGlob) : fileKey(pathOrGlob)];
}

/** Keeps evidence short: the first `max` items and a count of the rest. */
export function capList<T>(items: readonly T[], max = 20): { shown: T[]; more: number } {
  return { shown: items.slice(0, max), more: Math.max(0, items.length - max) };
}

export function bundleMap(files: readonly { path: string; text: string }[]): Map<string, string> {
  return new Map(files.map((f) => [f.path, f.text]));
}

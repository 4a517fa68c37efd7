import { z } from 'zod';
import { fileKey, filesKey } from '../../facts/keys.ts';
import { lookupKey, loginDefs } from '../../parsers/keyvalue.ts';
import { isComment, numberedLines } from '../../parsers/lines.ts';
import type { Evidence } from '../../types.ts';
import { compare, CmpValueSchema, describeComparator, OpSchema } from '../compare.ts';
import { defineMethod } from '../method.ts';
import { outcome } from '../outcome.ts';
import { AbsPath, comparatorShape, GlobPath, Regex } from '../params.ts';
import { capList, checkComparator, contentFacts, judge, readContent } from './common.ts';

const contentParams = z.strictObject({
  path: GlobPath,
  pattern: Regex,
  expect: z.enum(['present', 'absent']).optional(),
  drop_ins: GlobPath.optional(),
  skip_comments: z.boolean().optional(),
  ignore_case: z.boolean().optional(),
  op: OpSchema.optional(),
  value: CmpValueSchema.optional(),
});

export const fileContent = defineMethod({
  name: 'file_content',
  params: contentParams,
  check(p) {
    if (p.op !== undefined && p.value === undefined) return 'op needs a value';
    if (p.value !== undefined) return checkComparator({ op: p.op, value: p.value });
    return undefined;
  },
  facts: (p) => [...contentFacts(p.path), ...(p.drop_ins ? [filesKey(p.drop_ins)] : [])],
  evaluate(p, { read }) {
    const files = [...readContent(read, p.path), ...(p.drop_ins ? read.bundle(filesKey(p.drop_ins)) : [])];
    const re = new RegExp(p.pattern, p.ignore_case ? 'i' : '');
    const matches: { source: string; text: string; group: string | null }[] = [];
    for (const f of files) {
      for (const l of numberedLines(f.text)) {
        if (p.skip_comments !== false && isComment(l.text) && l.text.trim() !== '') continue;
        const m = re.exec(l.text);
        if (m) matches.push({ source: `${f.path}:${l.n}`, text: l.text, group: m[1] ?? null });
      }
    }
    const expect = p.expect ?? 'present';
    const where = files.length > 0 ? files.map((f) => f.path).join(', ') : `${p.path} (missing)`;
    if (matches.length === 0) {
      return outcome(expect === 'absent', [
        { source: where, observed: null, expected: `a line matching /${p.pattern}/ ${expect}` },
      ]);
    }
    const cmp = p.value !== undefined ? { op: p.op ?? '==', value: p.value } : undefined;
    const bad = cmp
      ? matches.filter((m) => !compare(m.group, cmp.op, cmp.value, { ignoreCase: p.ignore_case ?? false }))
      : [];
    const expected = `a line matching /${p.pattern}/ ${expect}${cmp ? ` with ${describeComparator(cmp.op, cmp.value)}` : ''}`;
    const { shown } = capList(bad.length > 0 ? bad : matches, 5);
    const evidence: Evidence[] = shown.map((m) => ({ source: m.source, observed: m.text, expected }));
    return outcome(expect === 'present' ? bad.length === 0 : false, evidence);
  },
});

export const configValue = defineMethod({
  name: 'config_value',
  params: z.strictObject({
    path: AbsPath,
    key: z.string().min(1),
    ...comparatorShape,
    separator: z.string().min(1).optional(),
    section: z.string().min(1).optional(),
    drop_ins: GlobPath.optional(),
    occurrence: z.enum(['first', 'last']).optional(),
    ignore_case_key: z.boolean().optional(),
    comment_chars: z.string().min(1).optional(),
    default: z.union([z.string(), z.number()]).optional(),
    keep_quotes: z.boolean().optional(),
  }),
  check: checkComparator,
  facts: (p) => [fileKey(p.path), ...(p.drop_ins ? [filesKey(p.drop_ins)] : [])],
  evaluate(p, { read }) {
    const files = [...readContent(read, p.path), ...(p.drop_ins ? read.bundle(filesKey(p.drop_ins)) : [])];
    const kv = lookupKey(files, p.key, {
      separator: p.separator ?? 'whitespace',
      commentChars: p.comment_chars ?? '#',
      ignoreCaseKey: p.ignore_case_key ?? false,
      occurrence: p.occurrence ?? 'last',
      keepQuotes: p.keep_quotes ?? false,
      ...(p.section !== undefined ? { section: p.section } : {}),
    });
    const subject = p.section ? `[${p.section}] ${p.key}` : p.key;
    const j = judge(subject, kv?.value ?? null, kv ? `${kv.file}:${kv.line}` : p.path, p, {
      fallback: p.default,
    });
    if (files.length === 0)
      j.evidence.note = `${p.path} does not exist${j.evidence.note ? `; ${j.evidence.note}` : ''}`;
    return outcome(j.ok, [j.evidence]);
  },
});

export const loginDefsMethod = defineMethod({
  name: 'login_defs',
  params: z.strictObject({
    key: z.string().regex(/^[A-Z0-9_]+$/, 'must be an upper-case login.defs key'),
    ...comparatorShape,
    default: z.union([z.string(), z.number()]).optional(),
  }),
  check: checkComparator,
  facts: () => [fileKey('/etc/login.defs')],
  evaluate(p, { read }) {
    const f = read.file('/etc/login.defs');
    const kv = f.exists ? loginDefs(f.text, p.key) : undefined;
    const j = judge(p.key, kv?.value ?? null, kv ? `${kv.file}:${kv.line}` : '/etc/login.defs', p, {
      fallback: p.default,
    });
    return outcome(j.ok, [j.evidence]);
  },
});

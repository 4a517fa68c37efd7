import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ruleJsonSchemaText } from '../../engine/rules/json-schema.ts';
import { METHODS } from '../../engine/eval/methods/index.ts';
import { CAPABILITIES } from '../../engine/platform/capabilities.ts';

const DOC = join(import.meta.dirname, '../../docs');

describe('docs', () => {
  it('docs/rule.schema.json is generated from the zod schema (run npx tsx engine/rules/write-schema.ts)', () => {
    expect(readFileSync(join(DOC, 'rule.schema.json'), 'utf8')).toBe(ruleJsonSchemaText());
  });

  it('docs/rules.md documents every method and capability', () => {
    const md = readFileSync(join(DOC, 'rules.md'), 'utf8');
    expect(METHODS.map((m) => m.name).filter((n) => !md.includes(`| \`${n}\` |`))).toEqual([]);
    expect(CAPABILITIES.filter((c) => !md.includes(`\`${c}\``))).toEqual([]);
  });

  it('the JSON schema describes every method as a leaf', () => {
    const text = ruleJsonSchemaText();
    for (const m of METHODS) expect(text).toContain(`"const": "${m.name}"`);
  });
});

import { z } from 'zod';
import { RuleDocSchema } from './schema.ts';

/** The machine-readable rule schema written to docs/rule.schema.json. */
export function ruleJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(RuleDocSchema, { target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    title: 'OpenWatch rule',
    description: 'One compliance rule (rules/<category>/<id>.yml). Generated from engine/rules/schema.ts; see docs/rules.md.',
    ...schema,
  };
}

export function ruleJsonSchemaText(): string {
  return `${JSON.stringify(ruleJsonSchema(), null, 2)}\n`;
}

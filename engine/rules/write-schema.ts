/** Regenerates docs/rule.schema.json: `npx tsx engine/rules/write-schema.ts`. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ruleJsonSchemaText } from './json-schema.ts';

const target = join(import.meta.dirname, '../../docs/rule.schema.json');
writeFileSync(target, ruleJsonSchemaText());
process.stdout.write(`wrote ${target}\n`);

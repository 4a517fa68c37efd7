/** `npm run gen:config-docs`: rewrites the key tables of docs/configuration.md from the config schema. */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderConfigReference, spliceReference } from '../core/config/reference.ts';

const file = fileURLToPath(new URL('../docs/configuration.md', import.meta.url));
const before = readFileSync(file, 'utf8');
const after = spliceReference(before, renderConfigReference());
if (after !== before) writeFileSync(file, after);
process.stdout.write(`docs/configuration.md: ${after === before ? 'unchanged' : 'written'}\n`);

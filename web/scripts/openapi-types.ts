/**
 * Writes the API's OpenAPI document (from the same route declarations the server uses) and the console's
 * types generated from it, so the console cannot drift from the API: `npm run api:types`.
 * test/web/api-types.test.ts fails when the committed files differ from what this would write.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderApiTypes } from './render-api-types.ts';

const out = (name: string) => fileURLToPath(new URL(`../src/api/${name}`, import.meta.url));
const { document, types } = await renderApiTypes();
writeFileSync(out('openapi.json'), document);
writeFileSync(out('schema.ts'), types);

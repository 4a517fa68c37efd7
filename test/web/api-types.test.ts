import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderApiTypes } from '../../web/scripts/render-api-types.ts';

// The console's API types are generated from the route declarations; stale files mean drift.
describe('web/src/api: generated from the API', () => {
  it('matches what `npm run api:types` writes now', async () => {
    const { document, types } = await renderApiTypes();
    const committed = (name: string) =>
      readFileSync(new URL(`../../web/src/api/${name}`, import.meta.url), 'utf8');
    expect(committed('openapi.json') === document, 'openapi.json is stale: run npm run api:types').toBe(true);
    expect(committed('schema.ts') === types, 'schema.ts is stale: run npm run api:types').toBe(true);
    expect(types).toContain('"/api/v1/fleet/summary"');
  });
});

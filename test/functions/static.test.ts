import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { staticHandler } from '../../functions/node/static.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('static UI files', () => {
  const base = tempDir('ow-static');
  const root = join(base, 'root');
  mkdirSync(root);
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<html>index</html>');
  writeFileSync(join(root, 'assets', 'app.js'), 'x');
  writeFileSync(join(root, '_headers'), 'secret-ish');
  writeFileSync(join(base, 'outside.txt'), 'outside');
  const serve = staticHandler(root);
  const get = (p: string) => serve(new Request(`http://x${p}`));

  it('serves files with their type and the UI security headers', async () => {
    const res = get('/assets/app.js');
    expect(res?.status).toBe(200);
    expect(res?.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res?.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await res?.text()).toBe('x');
    expect(res?.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(get('/hosts/42')?.headers.get('cache-control')).toBe('no-cache');
  });

  it('falls back to index.html for client-side routes, not for missing assets', async () => {
    expect(await get('/hosts/42')?.text()).toBe('<html>index</html>');
    expect(get('/assets/missing.js')).toBeUndefined();
  });

  it('never serves outside the root, dotfiles or underscore files', () => {
    for (const p of [
      '/../outside.txt',
      '/%2e%2e/outside.txt',
      '/assets/..%2f..%2foutside.txt',
      '/_headers',
      '/.env',
    ]) {
      const res = get(p);
      expect(res === undefined || res.headers.get('content-type')?.startsWith('text/html'), p).toBe(true);
    }
  });
});

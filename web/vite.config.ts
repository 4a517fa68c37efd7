import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// The console is static files served by `openwatch serve` and by workerd's [assets]; the CSP allows only
// 'self' scripts and styles, so nothing may be inlined into index.html.
export default defineConfig({
  root: here('.'),
  publicDir: here('public'),
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
    sourcemap: false,
    rolldownOptions: {
      // React libraries mark modules "use client" for server rendering, which a static SPA does not do.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});

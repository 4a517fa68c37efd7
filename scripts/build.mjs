#!/usr/bin/env node
// Builds dist/: the CLI, server and runner as bundled JavaScript (esbuild; dependencies stay in
// node_modules), the rule corpus compiled and validated into dist/rules.json, the web console into
// web/dist (Vite), and dist/build-info.json with the commit and build time. `--if-stale` skips the build when nothing it reads changed since the
// last one (npm start and npm test call it that way). The workerd bundle is wrangler's, not this.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, 'build-info.json');
const INPUTS = [
  'bin',
  'cli',
  'core',
  'engine',
  'functions',
  'runner',
  'rules',
  'scripts',
  'web',
  'package.json',
];

/** @param {string} path @returns {number} */
function newestMtime(path) {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of readdirSync(path))
    if (e !== 'dist' && e !== 'node_modules') newest = Math.max(newest, newestMtime(join(path, e)));
  return newest;
}

function isStale() {
  const built = statSync(STAMP, { throwIfNoEntry: false });
  if (!built) return true;
  return INPUTS.some((p) => newestMtime(join(ROOT, p)) > built.mtimeMs);
}

function commit() {
  if (process.env.OPENWATCH_COMMIT) return process.env.OPENWATCH_COMMIT;
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
  } catch {
    return 'unknown';
  }
}

/**
 * Packages stay in node_modules (`require`d or imported at run time) except the JavaScript the CLI's scan
 * path imports: zod and yaml (~170 small ES modules) and ssh2 with its pure-JavaScript dependencies (~35
 * CommonJS files). Resolving, reading and linking each file cost a CLI run more than the code itself (see
 * bench/RESULTS.md "cli"); bundled, they are a few chunks. ssh2's native parts (its crypto binding and
 * cpu-features) are still loaded from node_modules, where npm built them.
 */
const BUNDLED_PACKAGES = new Set([
  'zod',
  'yaml',
  'ssh2',
  'asn1',
  'bcrypt-pbkdf',
  'tweetnacl',
  'safer-buffer',
]);
const externalExceptBundled = {
  name: 'external-except-bundled',
  /** @param {import('esbuild').PluginBuild} b */
  setup(b) {
    // ssh2's optional native crypto binding stays where npm built it, required by its package path.
    b.onResolve({ filter: /\.node$/ }, (args) => ({
      path: `ssh2/lib/protocol/${args.path.replace(/^\.\//, '')}`,
      external: true,
    }));
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = args.path.startsWith('@')
        ? args.path.split('/').slice(0, 2).join('/')
        : (args.path.split('/')[0] ?? '');
      return BUNDLED_PACKAGES.has(name) ? undefined : { path: args.path, external: true };
    });
  },
};

async function build() {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    // A production install (npm ci --omit=dev) has no esbuild; it runs the build it was shipped with.
    if (existsSync(STAMP))
      return console.log('openwatch build: esbuild not installed; keeping the existing dist/');
    throw new Error('esbuild is not installed: run `npm ci` (with dev dependencies) first');
  }
  const started = Date.now();
  rmSync(DIST, { recursive: true, force: true });
  mkdirSync(DIST, { recursive: true });
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ['cli/main.ts', 'scripts/compile-rules.ts'],
    outdir: DIST,
    outbase: '.',
    entryNames: '[dir]/[name]',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    plugins: [externalExceptBundled],
    // Bundled CommonJS (yaml's Node build, ssh2) calls `require` and reads `__dirname` (ssh2's poly1305
    // emscripten loader); inside ES modules both must be defined.
    banner: {
      js: [
        "import { createRequire as __owRequire } from 'node:module';",
        "import { fileURLToPath as __owPath } from 'node:url';",
        'const require = __owRequire(import.meta.url);',
        'const __filename = __owPath(import.meta.url);',
        "const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));",
      ].join(' '),
    },
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  execFileSync(process.execPath, [join(DIST, 'scripts', 'compile-rules.js')], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  // The console (web/dist), served by `openwatch serve` and deployed by wrangler as static assets.
  const vite = await import('vite');
  await vite.build({ configFile: join(ROOT, 'web', 'vite.config.ts'), logLevel: 'warn' });
  // Written last: its presence and mtime mark a complete build.
  writeFileSync(STAMP, JSON.stringify({ commit: commit(), build_time: new Date().toISOString() }) + '\n');
  console.log(`openwatch build: dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (process.argv.includes('--if-stale') && !isStale()) process.exit(0);
await build().catch((err) => {
  console.error(`openwatch build failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

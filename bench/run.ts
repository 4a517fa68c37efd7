/**
 * `npm run bench -- <name> [args…]` runs bench/<name>/run.ts; with no name it lists the benchmarks.
 * Each benchmark prints its figures and its method, and appends its medians to bench/RESULTS.md by hand
 * (results are reviewed before they are recorded: these machines are noisy).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const names = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(here, d.name, 'run.ts')))
  .map((d) => d.name)
  .sort();

const [name, ...rest] = process.argv.slice(2);
if (!name || !names.includes(name)) {
  process.stderr.write(`usage: npm run bench -- <${names.join('|')}> [args…]\n`);
  process.exit(name ? 2 : 0);
}
process.argv = [process.argv[0] ?? 'node', join(here, name, 'run.ts'), ...rest];
await import(pathToFileURL(join(here, name, 'run.ts')).href);
